import { AuthError } from '@hivegate/core'
import type { AuthContext, RevocationList } from '@hivegate/core'
import type { Socket } from 'socket.io'
import { CLOSINGS } from './closings.js'
import type { Failure } from './wire.js'

/** Selects trusted sockets by who authenticated them. */
export interface ConnectionFilter {
  subject?: string
  tenant?: string
  /** The token's `jti`: one token's sockets, without revoking it. */
  jti?: string
}

/** What the registry needs of a socket's session. */
export interface Tracked {
  readonly socket: Socket
  readonly auth: AuthContext | undefined
  close(closing: Failure): void
}

/**
 * The sockets of one handler: a count of quarantine slots, the trusted set, and an index by
 * `jti` so that revoking a token disconnects the sockets it opened.
 */
export class Registry {
  #quarantined = 0
  readonly #trusted = new Map<Socket, Tracked>()
  readonly #byJti = new Map<string, Set<Tracked>>()
  readonly #unsubscribe: () => void

  constructor(
    private readonly maxQuarantined: number,
    private readonly revocations: RevocationList,
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

  /** Was this context's `jti` revoked (e.g. between the handshake and the connection)? */
  isRevoked(auth: AuthContext): boolean {
    const jti = auth.claims.jti
    return typeof jti === 'string' && this.revocations.has(jti)
  }

  /** Records a trusted socket (new, promoted or re-authenticated); `previous` is its old context. */
  trust(entry: Tracked, previous: AuthContext | undefined): void {
    this.#unindex(entry, previous)
    this.#trusted.set(entry.socket, entry)
    const jti = entry.auth?.claims.jti
    if (typeof jti !== 'string') return
    let set = this.#byJti.get(jti)
    if (set === undefined) this.#byJti.set(jti, (set = new Set()))
    set.add(entry)
  }

  forget(entry: Tracked): void {
    if (this.#trusted.get(entry.socket) !== entry) return
    this.#trusted.delete(entry.socket)
    this.#unindex(entry, entry.auth)
  }

  authOf(socket: Socket): AuthContext | undefined {
    return this.#trusted.get(socket)?.auth
  }

  list(filter: ConnectionFilter = {}): Socket[] {
    const out: Socket[] = []
    for (const entry of this.#trusted.values()) if (matches(entry.auth, filter)) out.push(entry.socket)
    return out
  }

  /** Disconnects the trusted sockets matching `filter`; returns how many. */
  closeWhere(filter: ConnectionFilter, closing: Failure = CLOSINGS.closedByServer): number {
    if (typeof filter !== 'object' || filter === null || (filter.subject === undefined && filter.tenant === undefined && filter.jti === undefined)) {
      throw new TypeError('"filter" must name a subject, a tenant or a jti')
    }
    const hits = [...this.#trusted.values()].filter((entry) => matches(entry.auth, filter))
    for (const entry of hits) entry.close(closing)
    return hits.length
  }

  /** Every trusted socket, for shutdown. */
  all(): Tracked[] {
    return [...this.#trusted.values()]
  }

  dispose(): void {
    this.#unsubscribe()
  }

  #unindex(entry: Tracked, auth: AuthContext | undefined): void {
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
