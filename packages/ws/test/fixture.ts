// A real http server on 127.0.0.1:0 with a WebSocketServer behind attachAuth, a manual clock,
// an HMAC secret and a token factory; the app side records what reaches it.
import http, { type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import { createManualClock, type AuthContext, type ManualClock } from '@hivegate/core'
import { WebSocketServer, type WebSocket } from 'ws'
import { attachAuth, type WsAuth, type WsAuthOptions } from '@hivegate/ws'
import { close, listen } from '../../../test/helpers/listen.js'
import { secret as newSecret } from '../../../test/helpers/keys.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/helpers/tokens.js'
import { wsUrl } from '../../../test/helpers/ws-client.js'

export interface AppConnection {
  ws: WebSocket
  req: IncomingMessage
  auth: AuthContext
  messages: string[]
}

export interface Fixture {
  server: http.Server
  wss: WebSocketServer
  wsAuth: WsAuth
  clock: ManualClock
  url: string
  /** Every connection the application was handed, in order. */
  app: AppConnection[]
  /** Resolves with the next connection the application is handed. */
  nextConnection(): Promise<AppConnection>
  /** Resolves with the next message any application connection receives. */
  nextAppMessage(): Promise<string>
  token(claims?: Record<string, unknown>): Promise<string>
  stop(): Promise<void>
}

const secret = newSecret()

/** The verifier options every ws test uses, with a manual clock. */
export function verifierOptions(clock: ManualClock): Pick<WsAuthOptions, 'issuer' | 'audience' | 'keys' | 'clock'> {
  return { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': secret } }, clock }
}

/** A token signed with the fixture's secret, claims relative to `clock`. */
export function tokenAt(clock: ManualClock, claims: Record<string, unknown> = {}): Promise<string> {
  return mint({ key: secret, kid: 'kid-1', now: Math.floor(clock.now() / 1000), claims })
}

/**
 * Starts the fixture. `options` are added to the fixture's verifier options; a function of the
 * clock gives the whole options instead (e.g. a ready `authenticator` on the same clock).
 */
export async function startWs(
  options: Partial<WsAuthOptions> | ((clock: ManualClock) => WsAuthOptions) = {},
  wssOptions: Record<string, unknown> = {},
): Promise<Fixture> {
  const clock = createManualClock(Date.now())
  const server = http.createServer((_req, res) => res.end('ok'))
  const wss = new WebSocketServer({ noServer: true, ...wssOptions })
  const wsAuth = attachAuth(server, wss, typeof options === 'function' ? options(clock) : { ...verifierOptions(clock), ...options })
  const app: AppConnection[] = []
  const connectionWaiters: Array<(c: AppConnection) => void> = []
  const messageWaiters: Array<(m: string) => void> = []
  wss.on('connection', (ws: WebSocket, req: IncomingMessage, auth: AuthContext) => {
    const entry: AppConnection = { ws, req, auth, messages: [] }
    app.push(entry)
    ws.on('message', (data) => {
      const text = data.toString()
      entry.messages.push(text)
      messageWaiters.shift()?.(text)
    })
    connectionWaiters.shift()?.(entry)
  })
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  const base = await listen(server)
  return {
    server,
    wss,
    wsAuth,
    clock,
    url: wsUrl(base),
    app,
    nextConnection: () => new Promise((resolve) => connectionWaiters.push(resolve)),
    nextAppMessage: () => new Promise((resolve) => messageWaiters.push(resolve)),
    token: (claims) => tokenAt(clock, claims),
    async stop() {
      wsAuth.close()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await close(server)
    },
  }
}

/** The Hivekit success reply for a token's claims. */
export function hivekitSuccess(dat: Record<string, unknown>): string {
  return JSON.stringify([{ typ: 'sys', act: 'aut', res: 'suc', dat }])
}

/** The Hivekit failure reply. */
export function hivekitFailure(reason: string): string {
  return JSON.stringify([{ typ: 'sys', act: 'aut', res: 'err', err: reason }])
}
