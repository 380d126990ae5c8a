import type { AccessState, AuditAction, AuditEntry, ConnectionSelector, SecretStatus, StoredSecret, TokenRecord } from './records.js'

/** One change to the registry; a commit applies several at once or none. */
export type AccessChange =
  | { readonly type: 'secret.create'; readonly secret: StoredSecret }
  /** Moves secret `kid` to `to` when its status is one of `from`; else the commit fails. */
  | { readonly type: 'secret.status'; readonly kid: string; readonly from: readonly SecretStatus[]; readonly to: SecretStatus; readonly at: number }
  /** Fails unless the token's secret is active and its name is not taken by a live token. */
  | { readonly type: 'token.create'; readonly token: TokenRecord }
  /** Fails unless the token exists and is not revoked yet. */
  | { readonly type: 'token.revoke'; readonly id: string; readonly at: number; readonly by: string }
  /** Asks every instance to close the connections `selector` matches. */
  | { readonly type: 'connections.close'; readonly selector: ConnectionSelector; readonly at: number; readonly by: string }

/** An audit line before the store numbers it. */
export interface AuditInput {
  readonly at: number
  readonly actor: string
  readonly action: AuditAction
  readonly target: string
  readonly detail: string
}

/** Which audit lines to read: newest first. */
export interface AuditQuery {
  /** At most this many. */
  readonly limit: number
  /** Only lines with a smaller `seq` (paging). */
  readonly before?: number
}

/**
 * Where the registry keeps its state. Every call may fail with an AccessError: `invalid_input`
 * naming the field for a failed precondition, `store_unavailable` for a fault; a failed commit wrote nothing.
 * SQLite is the default; a shared store (Redis) implements the same calls.
 */
export interface AccessStore {
  /** A short name for messages, never a credential (e.g. the file path). */
  readonly description: string
  /** Records the operator key's check value on first use; refuses another key later. */
  checkOperatorKey(check: string): Promise<void>
  load(): Promise<AccessState>
  /** Applies `changes` and appends `audit` in one transaction; resolves to the new state version. */
  commit(changes: readonly AccessChange[], audit: readonly AuditInput[]): Promise<number>
  /** Records when tokens were last used (id → epoch ms); no version change, no audit line. */
  touch(used: ReadonlyMap<string, number>): Promise<void>
  readAudit(query: AuditQuery): Promise<AuditEntry[]>
  /** Calls `listener` after another writer committed a change; returns the unsubscribe. */
  watch(listener: () => void): () => void
  close(): Promise<void>
}
