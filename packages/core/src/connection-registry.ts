import { AuthError } from './errors.js'
import { assertPositiveInteger } from './options.js'
import type { AuthContext } from './auth-context.js'
import type { RevocationList } from './revocation.js'

/** Selects trusted connections by who authenticated them. */
export interface ConnectionFilter {
  subject?: string
  tenant?: string
  /** The token's `jti`: one token's connections, without revoking it. */
  jti?: string
}

/**
 * A connection as the registry sees it: its transport handle (a WebSocket, a socket.io socket, a
 * TCP connection), the AuthContext it holds now, and how to close it. `C` is the package's own
 * reason shape; a revocation closes with an AuthError (`token_revoked`), which has that shape too.
 */
export interface TrackedConnection<H, C> {
  readonly handle: H
  readonly auth: AuthContext | undefined
  close(closing: C | AuthError): void
}

/** Options of {@link createConnectionRegistry}. */
export interface ConnectionRegistryOptions {
  /** Quarantine slots: {@link ConnectionRegistry.reserve} fails once all are taken. */
  maxQuarantined: number
  /** The verifier's revocation list: revoking a `jti` closes the connections it opened. */
  revocations: RevocationList
}

/**
 * The connections of one socket handler: a count of quarantine slots, the trusted set, and an
 * index by `jti` so that revoking a token closes the connections it opened.
 */
export interface ConnectionRegistry<H, C> {
  /** Quarantine slots taken now. */
  readonly quarantined: number
  /** Takes a quarantine slot; false when all are taken. */
  reserve(): boolean
  /** Gives a slot back. */
  release(): void
  /** Was this context's `jti` revoked (e.g. between a handshake and the connection)? */
  isRevoked(auth: AuthContext): boolean
  /** Records a trusted connection (new, promoted or re-authenticated); `previous` is its old context. */
  trust(entry: TrackedConnection<H, C>, previous: AuthContext | undefined): void
  /** Drops a connection that is gone (a no-op unless `entry` is the one recorded for its handle). */
  forget(entry: TrackedConnection<H, C>): void
  /** The AuthContext of a trusted connection. */
  authOf(handle: H): AuthContext | undefined
  /** Trusted handles, optionally of one subject, tenant and/or `jti`. */
  list(filter?: ConnectionFilter): H[]
  /** Closes the trusted connections matching `filter` (which must name something) with `closing`; returns how many. */
  closeWhere(filter: ConnectionFilter, closing: C): number
  /** Every trusted connection, for shutdown. */
  all(): TrackedConnection<H, C>[]
  /** Stops listening to the revocation list. */
  dispose(): void
}

function matches(auth: AuthContext | undefined, filter: ConnectionFilter): boolean {
  if (auth === undefined) return false
  if (filter.subject !== undefined && auth.subject !== filter.subject) return false
  if (filter.tenant !== undefined && auth.tenant !== filter.tenant) return false
  if (filter.jti !== undefined && auth.claims.jti !== filter.jti) return false
  return true
}

function jtiOf(auth: AuthContext | undefined): string | undefined {
  const jti = auth?.claims.jti
  return typeof jti === 'string' ? jti : undefined
}

/**
 * The registry every persistent-connection adapter keeps (ws, raw TCP, socket.io), so none of
 * them writes its own.
 *
 * @example
 * ```ts
 * const registry = createConnectionRegistry<WebSocket, Closing>({ maxQuarantined: 10_000, revocations: verifier.revocations })
 * if (!registry.reserve()) return reject(socket, new AuthError('server_busy'))
 * registry.trust({ handle: ws, auth, close: (c) => ws.close(c.closeCode, c.message) }, undefined)
 * ```
 */
export function createConnectionRegistry<H, C>(options: ConnectionRegistryOptions): ConnectionRegistry<H, C> {
  const { maxQuarantined, revocations } = options
  assertPositiveInteger('maxQuarantined', maxQuarantined)
  let quarantined = 0
  const trusted = new Map<H, TrackedConnection<H, C>>()
  const byJti = new Map<string, Set<TrackedConnection<H, C>>>()

  function unindex(entry: TrackedConnection<H, C>, auth: AuthContext | undefined): void {
    const jti = jtiOf(auth)
    if (jti === undefined) return
    const set = byJti.get(jti)
    set?.delete(entry)
    if (set?.size === 0) byJti.delete(jti)
  }

  const unsubscribe = revocations.onRevoke((jti) => {
    const hit = byJti.get(jti)
    if (hit === undefined) return
    const closing = new AuthError('token_revoked')
    for (const entry of [...hit]) entry.close(closing)
  })

  return {
    get quarantined() {
      return quarantined
    },
    reserve() {
      if (quarantined >= maxQuarantined) return false
      quarantined++
      return true
    },
    release() {
      quarantined--
    },
    isRevoked(auth) {
      const jti = jtiOf(auth)
      return jti !== undefined && revocations.has(jti)
    },
    trust(entry, previous) {
      unindex(entry, previous)
      trusted.set(entry.handle, entry)
      const jti = jtiOf(entry.auth)
      if (jti === undefined) return
      let set = byJti.get(jti)
      if (set === undefined) byJti.set(jti, (set = new Set()))
      set.add(entry)
    },
    forget(entry) {
      if (trusted.get(entry.handle) !== entry) return
      trusted.delete(entry.handle)
      unindex(entry, entry.auth)
    },
    authOf: (handle) => trusted.get(handle)?.auth,
    list(filter = {}) {
      const out: H[] = []
      for (const entry of trusted.values()) if (matches(entry.auth, filter)) out.push(entry.handle)
      return out
    },
    closeWhere(filter, closing) {
      if (typeof filter !== 'object' || filter === null || (filter.subject === undefined && filter.tenant === undefined && filter.jti === undefined)) {
        throw new TypeError('"filter" must name a subject, a tenant or a jti')
      }
      const hits = [...trusted.values()].filter((entry) => matches(entry.auth, filter))
      for (const entry of hits) entry.close(closing)
      return hits.length
    },
    all: () => [...trusted.values()],
    dispose: () => unsubscribe(),
  }
}

