import { AuthError } from '@hivegate/core'
import type { AuthContext, RevocationList } from '@hivegate/core'
import { CLOSINGS, type Closing } from './close-codes.js'

/** Selects trusted connections by who authenticated them. */
export interface ConnectionFilter {
  subject?: string
  tenant?: string
  /** The token's `jti`: one token's connections, without revoking it. */
  jti?: string
}

/** What the registry needs of a connection. */
export interface Tracked<H> {
  readonly handle: H
  readonly auth: AuthContext | undefined
  close(closing: Closing): void
}

/**
 * The connections of one handler: a count of quarantine slots, the trusted set, and an index
 * by `jti` so that revoking a token closes the connections it opened.
 */
export class Registry<H> {
  #quarantined = 0
  readonly #trusted = new Map<H, Tracked<H>>()
  readonly #byJti = new Map<string, Set<Tracked<H>>>()
  readonly #unsubscribe: () => void

  constructor(
    private readonly maxQuarantined: number,
    revocations: RevocationList,
  ) {
    this.#unsubscribe = revocations.onRevoke((jti) => {
      const hit = this.#byJti.get(jti)
      if (hit === undefined) return
      const closing = new AuthError('token_revoked')
      for (const entry of [...hit]) entry.close(closing)
    })
  }

  get quarantined(): number {
    return this.#quarantined
  }

  /** Takes a quarantine slot; false when all are taken. */
  reserve(): boolean {
    if (this.#quarantined >= this.maxQuarantined) return false
    this.#quarantined++
    return true
  }

  release(): void {
    this.#quarantined--
  }

  /** Records a trusted connection (new, promoted or re-authenticated); `previous` is its old context. */
  trust(entry: Tracked<H>, previous: AuthContext | undefined): void {
    this.#unindex(entry, previous)
    this.#trusted.set(entry.handle, entry)
    const jti = entry.auth?.claims.jti
    if (typeof jti !== 'string') return
    let set = this.#byJti.get(jti)
    if (set === undefined) this.#byJti.set(jti, (set = new Set()))
    set.add(entry)
  }

  forget(entry: Tracked<H>): void {
    if (this.#trusted.get(entry.handle) !== entry) return
    this.#trusted.delete(entry.handle)
    this.#unindex(entry, entry.auth)
  }

  authOf(handle: H): AuthContext | undefined {
    return this.#trusted.get(handle)?.auth
  }

  list(filter: ConnectionFilter = {}): H[] {
    const out: H[] = []
    for (const entry of this.#trusted.values()) if (matches(entry.auth, filter)) out.push(entry.handle)
    return out
  }

  /** Closes the trusted connections matching `filter`; returns how many. */
  closeWhere(filter: ConnectionFilter, closing: Closing = CLOSINGS.closedByServer): number {
    if (typeof filter !== 'object' || filter === null || (filter.subject === undefined && filter.tenant === undefined && filter.jti === undefined)) {
      throw new TypeError('"filter" must name a subject, a tenant or a jti')
    }
    const hits = [...this.#trusted.values()].filter((entry) => matches(entry.auth, filter))
    for (const entry of hits) entry.close(closing)
    return hits.length
  }

  /** Every trusted connection, for shutdown. */
  all(): Tracked<H>[] {
    return [...this.#trusted.values()]
  }

  dispose(): void {
    this.#unsubscribe()
  }

  #unindex(entry: Tracked<H>, auth: AuthContext | undefined): void {
    const jti = auth?.claims.jti
    if (typeof jti !== 'string') return
    const set = this.#byJti.get(jti)
    set?.delete(entry)
    if (set?.size === 0) this.#byJti.delete(jti)
  }
}

function matches(auth: AuthContext | undefined, filter: ConnectionFilter): boolean {
  if (auth === undefined) return false
  if (filter.subject !== undefined && auth.subject !== filter.subject) return false
  if (filter.tenant !== undefined && auth.tenant !== filter.tenant) return false
  if (filter.jti !== undefined && auth.claims.jti !== filter.jti) return false
  return true
}
