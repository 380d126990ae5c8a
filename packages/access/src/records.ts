import type { Algorithm, DataProviderClaim, PermissionsClaim } from '@hivegate/core'

/** `active` signs and verifies; `retiring` only verifies; `retired` is refused. */
export type SecretStatus = 'active' | 'retiring' | 'retired'

/** A signing secret as the registry shows it: never its value. */
export interface SecretRecord {
  readonly kid: string
  readonly alg: Algorithm
  readonly status: SecretStatus
  /** Epoch ms. */
  readonly createdAt: number
  /** Epoch ms of the last status change. */
  readonly statusAt: number
}

/** A secret as a store holds it: the value sealed with the operator key. */
export interface StoredSecret extends SecretRecord {
  readonly sealed: string
}

/** A static token (API key); the token text itself is never stored. */
export interface TokenRecord {
  /** The token's `jti`. */
  readonly id: string
  readonly name: string
  readonly sub: string | undefined
  readonly tnd: string | undefined
  readonly per: PermissionsClaim | undefined
  readonly dpv: DataProviderClaim | undefined
  /** `kid` of the secret that signed it. */
  readonly kid: string
  readonly createdAt: number
  readonly createdBy: string
  /** Epoch ms; undefined for a token that never expires. */
  readonly expiresAt: number | undefined
  readonly revokedAt: number | undefined
  readonly revokedBy: string | undefined
  /** Epoch ms, at most a minute stale. */
  readonly lastUsedAt: number | undefined
}

/** One line of the append-only audit trail: who did what to which object, never a secret. */
export interface AuditEntry {
  readonly seq: number
  readonly at: number
  readonly actor: string
  readonly action: AuditAction
  /** `kid` or token id. */
  readonly target: string
  /** A short, secret-free description (e.g. the token's name). */
  readonly detail: string
}

export type AuditAction = 'secret.create' | 'secret.rotate' | 'secret.retire' | 'token.create' | 'token.revoke' | 'connections.close'

/** Which open connections to close: every field given must match (at least one is given). */
export interface ConnectionSelector {
  readonly sub?: string
  readonly tnd?: string
  readonly jti?: string
}

/** A request, recorded in the store, that every instance close the connections it selects. */
export interface ConnectionKick extends ConnectionSelector {
  readonly seq: number
  readonly at: number
  readonly by: string
}

/** Kicks a store keeps; an instance cut off for longer misses older ones (their connections were rechecked on resync anyway). */
export const MAX_KICKS = 100

/** Everything the registry serves from memory. */
export interface AccessState {
  /** Grows with every committed change; a store that lost data shows a lower one. */
  readonly version: number
  readonly secrets: readonly StoredSecret[]
  readonly tokens: readonly TokenRecord[]
  /** The latest kicks (at most {@link MAX_KICKS}), oldest first. */
  readonly kicks: readonly ConnectionKick[]
}
