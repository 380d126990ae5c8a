import { EventEmitter } from 'node:events'
import type { Server, Socket } from 'node:net'
import { AuthError, createConnectionRegistry } from '@hivegate/core'
import type { AuthContext, Clock } from '@hivegate/core'
import { CLOSINGS, closeReason, type Closing } from './close-codes.js'
import { LineReader } from './line-reader.js'
import { positiveInteger, resolveConnectionOptions, type ConnectionAuthOptions } from './options.js'
import type { ConnectionFilter } from './registry.js'
import { Session } from './session.js'
import type { AuthProtocol } from './wire.js'

/** Options of {@link attachTcpAuth}. */
export interface TcpAuthOptions extends ConnectionAuthOptions {
  /** Longest line of a trusted connection, bytes (quarantined lines obey `maxMessageSize`). Default 1 MiB. */
  maxLineLength?: number
  /**
   * Longest wait, ms (on the verifier's clock), for a connection hivegate closed to take its last
   * line before the socket is destroyed. A peer that stopped reading is destroyed at once. Default 5000.
   */
  closeTimeout?: number
}

/** The default of `maxLineLength`. */
export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024
/** The default of `closeTimeout`. */
export const DEFAULT_CLOSE_TIMEOUT = 5000

/**
 * A trusted raw TCP connection. Events: `'message'` (line: string) for each line the application
 * should see, `'close'` (closing: Closing | undefined) once the socket is gone, with why it was
 * closed when hivegate closed it.
 */
export class TcpConnection extends EventEmitter {
  /** @internal */
  session: Session<TcpConnection> | undefined
  /** Why hivegate closed the connection, once it did. */
  closedWith: Closing | undefined

  /** @internal */
  constructor(
    readonly socket: Socket,
    private readonly protocol: AuthProtocol,
    private readonly clock: Clock,
    private readonly closeTimeout: number,
  ) {
    super()
  }

  /** The AuthContext of the connection (the latest, after re-authentication). */
  get auth(): AuthContext {
    return this.session!.auth!
  }

  /** Sends one line; throws a TypeError if `line` contains a newline, which would forge a second line. */
  send(line: string): void {
    if (typeof line !== 'string' || line.includes('\n')) throw new TypeError('"line" must be a string without a newline')
    this.write(line)
  }

  /** @internal Writes a reply line of the auth protocol. */
  write(line: string): void {
    if (this.socket.writable) this.socket.write(`${line}\n`)
  }

  /** Closes the connection, telling the peer why with a failure line. */
  close(reason: string = CLOSINGS.closedByServer.message): void {
    this.session?.close({ ...CLOSINGS.closedByServer, message: closeReason(reason) })
  }

  /** @internal Writes the last line and ends the socket. */
  end(closing: Closing): void {
    this.closedWith ??= closing
    const socket = this.socket
    // A peer that stops reading would otherwise keep the socket, and all it has not read, for ever.
    if (!socket.writable || socket.writableNeedDrain) return void socket.destroy()
    const timer = this.clock.setTimeout(() => socket.destroy(), this.closeTimeout)
    socket.once('close', () => this.clock.clearTimeout(timer))
    socket.end(`${this.protocol.failure(closing)}\n`, () => socket.destroy())
  }
}

/** The authenticated raw TCP connections of one `net.Server`; emits `'connection'` (conn, auth). */
export interface TcpAuth extends EventEmitter {
  on(event: 'connection', listener: (conn: TcpConnection, auth: AuthContext) => void): this
  on(event: string | symbol, listener: (...args: any[]) => void): this
  authOf(conn: TcpConnection): AuthContext | undefined
  connections(filter?: ConnectionFilter): TcpConnection[]
  /** Closes the trusted connections of a subject and/or tenant; returns how many. */
  closeWhere(filter: ConnectionFilter, reason?: string): number
  readonly quarantined: number
  /** Removes listeners and timers and closes every connection it holds; close the net.Server too. */
  close(): void
}

/**
 * Quarantines every connection of a `net.Server` until a newline-terminated auth message
 * (default `Bearer <token>`) is verified; replies are one JSON line each. Trusted connections
 * are handed to the application as {@link TcpConnection}s.
 *
 * @example
 * ```ts
 * const server = net.createServer()
 * const tcp = attachTcpAuth(server, { issuer, keys: { secrets: { 'kid-1': secret } } })
 * tcp.on('connection', (conn, auth) => conn.on('message', (line) => conn.send(`${auth.subject}: ${line}`)))
 * server.listen(7000)
 * ```
 */
export function attachTcpAuth(server: Server, options: TcpAuthOptions): TcpAuth {
  if (typeof server?.on !== 'function') throw new TypeError('"server" must be a net.Server')
  const maxLineLength =
    options?.maxLineLength === undefined ? DEFAULT_MAX_LINE_LENGTH : positiveInteger('maxLineLength', options.maxLineLength)
  const closeTimeout =
    options?.closeTimeout === undefined ? DEFAULT_CLOSE_TIMEOUT : positiveInteger('closeTimeout', options.closeTimeout)
  const { authenticator, protocol, limits } = resolveConnectionOptions(options, ['authMessage'])
  const verifier = authenticator.verifier
  const registry = createConnectionRegistry<TcpConnection, Closing>({ maxQuarantined: limits.maxQuarantined, revocations: verifier.revocations })
  const sessions = new Set<Session<TcpConnection>>()
  const events = new EventEmitter() as TcpAuth
  let closed = false

  function onConnection(socket: Socket): void {
    const conn = new TcpConnection(socket, protocol, verifier.clock, closeTimeout)
    socket.on('error', () => {})
    if (closed || !registry.reserve()) return conn.end(closed ? CLOSINGS.goingAway : new AuthError('server_busy'))
    const session = new Session<TcpConnection>(
      conn,
      {
        send: (text) => conn.write(text),
        close: (c) => conn.end(c),
        pause: () => socket.pause(),
        resume: () => socket.resume(),
        deliver: (message) => conn.emit('message', message.raw),
      },
      {
        verifier,
        protocol,
        limits,
        registry,
        onTrusted: (s) => events.emit('connection', conn, s.auth),
      },
    )
    conn.session = session
    sessions.add(session)
    const reader = new LineReader(() => (session.state === 'trusted' ? maxLineLength : limits.maxMessageSize))
    socket.on('data', (chunk: Buffer) => {
      const { lines, overflow } = reader.push(chunk)
      for (const line of lines) {
        const text = line.toString('utf8')
        if (!session.receive({ text, size: line.length, raw: text })) conn.emit('message', text)
      }
      if (overflow) session.close(CLOSINGS.messageTooBig)
    })
    socket.once('close', () => {
      sessions.delete(session)
      session.ended()
      conn.emit('close', conn.closedWith)
    })
    session.quarantine()
  }

  server.on('connection', onConnection)
  Object.defineProperty(events, 'quarantined', { get: () => registry.quarantined, enumerable: true })
  return Object.assign(events, {
    authOf: (conn: TcpConnection) => registry.authOf(conn),
    connections: (filter?: ConnectionFilter) => registry.list(filter),
    closeWhere: (filter: ConnectionFilter, reason?: string) =>
      registry.closeWhere(filter, reason === undefined ? CLOSINGS.closedByServer : { ...CLOSINGS.closedByServer, message: closeReason(reason) }),
    close() {
      if (closed) return
      closed = true
      server.off('connection', onConnection)
      registry.dispose()
      for (const session of [...sessions]) session.close(CLOSINGS.goingAway)
    },
  })
}
