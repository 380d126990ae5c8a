// A real http server on 127.0.0.1:0 with a socket.io Server behind createSocketAuth, a manual
// clock, a shared revocation list, an HMAC secret and real socket.io-client clients.
import http from 'node:http'
import type { Socket as NetSocket } from 'node:net'
import { createManualClock, createRevocationList, type ManualClock, type RevocationList } from '@hivegate/core'
import { Server, type Socket } from 'socket.io'
import { io as connectClient, type ManagerOptions, type Socket as ClientSocket, type SocketOptions } from 'socket.io-client'
import { createSocketAuth, type SocketAuth, type SocketAuthOptions } from '@hivegate/socket.io'
import { close, listen } from '../../../test/helpers/listen.js'
import { secret as newSecret } from '../../../test/helpers/keys.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/helpers/tokens.js'

export interface AppEvent {
  socket: Socket
  event: string
  args: unknown[]
}

export interface Fixture {
  io: Server
  socketAuth: SocketAuth
  clock: ManualClock
  revocations: RevocationList
  url: string
  /** Every socket the application's 'connection' listener saw, in order. */
  sockets: Socket[]
  /** Every event that reached the application's listeners, in order. */
  events: AppEvent[]
  /** Resolves with the next event that reaches the application. */
  nextEvent(): Promise<AppEvent>
  /** Resolves when the next server-side socket disconnects (after hivegate has seen it). */
  nextDisconnect(): Promise<Socket>
  token(claims?: Record<string, unknown>): Promise<string>
  /** A client; closed by `stop()`. */
  client(options?: Partial<ManagerOptions & SocketOptions>): ClientSocket
  stop(): Promise<void>
}

const secret = newSecret()

export function verifierOptions(clock: ManualClock, revocations: RevocationList): Pick<SocketAuthOptions, 'issuer' | 'audience' | 'keys' | 'clock' | 'revocations'> {
  return { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': secret } }, clock, revocations }
}

export function tokenAt(clock: ManualClock, claims: Record<string, unknown> = {}): Promise<string> {
  return mint({ key: secret, kid: 'kid-1', now: Math.floor(clock.now() / 1000), claims })
}

/**
 * Starts the fixture. `options` are added to the fixture's verifier options; a function of the
 * clock and revocation list gives the whole options instead (e.g. a ready `authenticator`).
 */
export async function startIo(
  options: Partial<SocketAuthOptions> | ((clock: ManualClock, revocations: RevocationList) => SocketAuthOptions) = {},
): Promise<Fixture> {
  const clock = createManualClock(Date.now())
  const revocations = createRevocationList({ clock })
  const server = http.createServer()
  const io = new Server(server)
  const socketAuth = createSocketAuth(typeof options === 'function' ? options(clock, revocations) : { ...verifierOptions(clock, revocations), ...options })
  io.use(socketAuth.middleware)
  const sockets: Socket[] = []
  const events: AppEvent[] = []
  const eventWaiters: Array<(e: AppEvent) => void> = []
  const disconnectWaiters: Array<(s: Socket) => void> = []
  io.on('connection', (socket) => {
    sockets.push(socket)
    socket.onAny(() => {}) // onAny runs before socket middleware: it must not be how the app reads events here
    socket.on('disconnect', () => disconnectWaiters.shift()?.(socket))
    for (const name of ['chat', 'ride:update', 'rider:position', 'other']) {
      socket.on(name, (...args: unknown[]) => {
        const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (v: unknown) => void) : undefined
        const entry = { socket, event: name, args }
        events.push(entry)
        ack?.({ ok: true, echo: args })
        eventWaiters.shift()?.(entry)
      })
    }
  })
  const raw = new Set<NetSocket>()
  server.on('connection', (s: NetSocket) => {
    raw.add(s)
    s.once('close', () => raw.delete(s))
  })
  const url = await listen(server)
  const clients: ClientSocket[] = []
  return {
    io,
    socketAuth,
    clock,
    revocations,
    url,
    sockets,
    events,
    nextEvent: () => new Promise((resolve) => eventWaiters.push(resolve)),
    nextDisconnect: () => new Promise((resolve) => disconnectWaiters.push(resolve)),
    token: (claims) => tokenAt(clock, claims),
    client(clientOptions = {}) {
      const c = connectClient(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...clientOptions })
      clients.push(c)
      return c
    },
    async stop() {
      for (const c of clients) c.disconnect()
      socketAuth.close()
      await new Promise<void>((resolve) => io.close(() => resolve()))
      for (const s of raw) s.destroy()
      await close(server)
    },
  }
}

/** Resolves when the client is connected; rejects with the `connect_error`. */
export function connected(client: ClientSocket): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client))
    client.once('connect_error', reject)
  })
}

/** Resolves with the `connect_error` the handshake fails with; rejects if it connects. */
export function refused(client: ClientSocket): Promise<Error & { data?: { error: string; error_description: string } }> {
  return new Promise((resolve, reject) => {
    client.once('connect', () => reject(new Error('expected a connect_error, but the client connected')))
    client.once('connect_error', resolve)
  })
}

/** Resolves with the last `hivegate:error` payload before the disconnect, and its reason. */
export function disconnectedWith(client: ClientSocket): Promise<{ error: unknown; reason: string }> {
  return new Promise((resolve) => {
    let error: unknown
    const onError = (payload: unknown): unknown => (error = payload)
    client.on('hivegate:error', onError)
    client.once('disconnect', (reason: string) => {
      client.off('hivegate:error', onError)
      resolve({ error, reason })
    })
  })
}

/** Resolves with the next payload of `event` on the client. */
export function once<T = unknown>(client: ClientSocket, event: string): Promise<T> {
  return new Promise((resolve) => client.once(event, (payload: T) => resolve(payload)))
}
