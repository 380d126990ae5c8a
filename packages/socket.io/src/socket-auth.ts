import { AuthError, incomingMessageView, isAuthError } from '@hivegate/core'
import type { AuthContext } from '@hivegate/core'
import type { Namespace, Socket } from 'socket.io'
import { CLOSINGS } from './closings.js'
import type { HandshakeView } from './handshake-source.js'
import { resolveOptions, type SocketAuthOptions } from './options.js'
import { Registry, type ConnectionFilter } from './registry.js'
import { SocketSession } from './session.js'
import { connectError } from './wire.js'

/**
 * The `socket.data` hivegate writes: type a server with it (`new Server<C, S, I, SocketData>()`)
 * and `socket.data.auth` is an AuthContext (undefined while the socket is in quarantine).
 */
export interface SocketData {
  auth?: AuthContext
}

/** socket.io's namespace middleware: `io.use(fn)`. */
export type SocketMiddleware = (socket: Socket, next: (err?: Error) => void) => void

/** The authenticated sockets of one `io.use()` middleware. */
export interface SocketAuth {
  /** The `io.use()` middleware (also `io.of('/ns').use()`); one SocketAuth may serve several namespaces. */
  readonly middleware: SocketMiddleware
  /** The AuthContext of a trusted socket (the latest, after re-authentication); also `socket.data.auth`. */
  authOf(socket: Socket): AuthContext | undefined
  /** Trusted sockets, optionally of one subject, tenant and/or token `jti`. */
  connections(filter?: ConnectionFilter): Socket[]
  /** Disconnects the trusted sockets matching `filter` (`closed_by_server`, or `reason`); returns how many. */
  closeWhere(filter: ConnectionFilter, reason?: string): number
  /** Sockets in quarantine now (counted until their transport is gone). */
  readonly quarantined: number
  /** Refuses new handshakes, drops listeners and timers, and disconnects every socket it holds (`going_away`). */
  close(): void
}

/**
 * Authenticates socket.io handshakes: the token is read from `handshake.auth.token`, then the
 * `Authorization: Bearer` header, then the cookie (origin-checked, as for WebSocket upgrades).
 * The AuthContext is `socket.data.auth`; the socket is disconnected when its token expires or is
 * revoked, unless it re-authenticates with the `hivegate:auth` event first.
 *
 * @example
 * ```ts
 * const io = new Server(httpServer)
 * const socketAuth = createSocketAuth({ issuer: 'platform.example', keys: { secrets: { 'kid-1': secret } } })
 * io.use(socketAuth.middleware)
 * io.on('connection', (socket) => socket.emit('hello', socket.data.auth.subject))
 * ```
 */
export function createSocketAuth(options: SocketAuthOptions): SocketAuth {
  const { authenticator, limits, quarantine, events, denyUnlisted, onTrusted } = resolveOptions(options)
  const verifier = authenticator.verifier
  const registry = new Registry(limits.maxQuarantined, verifier.revocations)
  // Live sessions, for close(); and every session by socket, so that one closed before socket.io
  // connected it is still found, and disconnected, when it connects.
  const sessions = new Map<Socket, SocketSession>()
  const bySocket = new WeakMap<Socket, SocketSession>()
  const namespaces = new WeakSet<Namespace>()
  const context = {
    verifier,
    limits,
    registry,
    events,
    denyUnlisted,
    onTrusted,
    onEnd: (session: SocketSession) => void sessions.delete(session.socket),
  }
  let closed = false

  function refuse(next: (err?: Error) => void, err: AuthError): void {
    if (err.realm === undefined) err.realm = authenticator.realm
    next(connectError(err))
  }

  const onConnect = (socket: Socket): void => bySocket.get(socket)?.connected()

  // socket.io emits 'connect' on the namespace right before 'connection', whatever the listeners' order.
  // The listener stays after close(): a socket admitted just before it may connect later.
  function watch(nsp: Namespace): void {
    if (namespaces.has(nsp)) return
    namespaces.add(nsp)
    nsp.on('connect', onConnect)
  }

  function admit(socket: Socket, next: (err?: Error) => void, auth: AuthContext | undefined): void {
    // The transport closed while the token was verified: socket.io drops the socket, and so do we.
    if (closed || socket.conn.readyState !== 'open') return refuse(next, new AuthError('server_busy', 'The connection is closing'))
    if (auth === undefined) {
      if (!quarantine) return refuse(next, new AuthError('credentials_required'))
      if (!registry.reserve()) return refuse(next, new AuthError('server_busy'))
    }
    const session = new SocketSession(socket, context, auth)
    sessions.set(socket, session)
    bySocket.set(socket, session)
    const gone = (): void => {
      socket.conn.off('close', gone)
      session.ended()
    }
    socket.once('disconnect', gone)
    // A socket socket.io never connects (its client left during the handshake) gets no 'disconnect'.
    socket.conn.once('close', gone)
    socket.use((packet, nextEvent) => session.packet(packet, nextEvent))
    watch(socket.nsp)
    next()
  }

  const middleware: SocketMiddleware = (socket, next) => {
    if (closed) return refuse(next, new AuthError('server_busy', 'The server is shutting down'))
    const view: HandshakeView = { ...incomingMessageView(socket.request), handshakeAuth: socket.handshake.auth }
    authenticator.authenticate(view, { checkOrigin: 'always' }).then(
      (auth) => admit(socket, next, auth),
      (err: unknown) => {
        // A ready authenticator that is not `optional` reports a missing token this way.
        if (isAuthError(err) && err.code === 'credentials_required') return admit(socket, next, undefined)
        refuse(next, isAuthError(err) ? err : new AuthError('invalid_token', undefined, { cause: err }))
      },
    )
  }

  return {
    middleware,
    authOf: (socket) => registry.authOf(socket),
    connections: (filter) => registry.list(filter),
    closeWhere(filter, reason) {
      const closing = reason === undefined ? CLOSINGS.closedByServer : { ...CLOSINGS.closedByServer, message: String(reason) }
      return registry.closeWhere(filter, closing)
    },
    get quarantined() {
      return registry.quarantined
    },
    close() {
      if (closed) return
      closed = true
      registry.dispose()
      for (const session of [...sessions.values()]) session.close(CLOSINGS.goingAway)
    },
  }
}
