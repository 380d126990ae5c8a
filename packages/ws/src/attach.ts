import type { Server as HttpServer, IncomingMessage } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import type { WebSocketServer } from 'ws'
import { createUpgradeHandler, type WsAuth, type WsAuthOptions } from './upgrade.js'

/**
 * Authenticates every WebSocket upgrade of `server` for `wss` (created with `{ noServer: true }`).
 * Only trusted connections reach the application, with their AuthContext.
 *
 * @example
 * ```ts
 * const server = http.createServer(app)
 * const wss = new WebSocketServer({ noServer: true })
 * attachAuth(server, wss, { issuer, keys: { secrets: { 'kid-1': secret } }, allowedOrigins: ['https://app.example'] })
 * wss.on('connection', (ws, req, auth) => ws.send(`hello ${auth.subject}`))
 * ```
 */
export function attachAuth(server: HttpServer | HttpsServer, wss: WebSocketServer, options: WsAuthOptions): WsAuth {
  if (typeof server?.on !== 'function') throw new TypeError('"server" must be an http or https Server')
  const auth = createUpgradeHandler(wss, options)
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (wss.shouldHandle(req)) return auth.handleUpgrade(req, socket, head)
    // Another 'upgrade' listener may own this path; with none, nobody would answer.
    if (server.listenerCount('upgrade') === 1) socket.destroy()
  }
  server.on('upgrade', onUpgrade)
  return {
    handleUpgrade: auth.handleUpgrade,
    authOf: auth.authOf,
    connections: auth.connections,
    closeWhere: auth.closeWhere,
    get quarantined() {
      return auth.quarantined
    },
    close() {
      server.off('upgrade', onUpgrade)
      auth.close()
    },
  }
}
