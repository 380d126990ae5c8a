// Compile-only checks of @hivegate/ws: the connection listener as the README shows it, options, the ./tcp subpath.
import http from 'node:http'
import net from 'node:net'
import type { IncomingMessage } from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'
import type { AuthContext } from '@hivegate/core'
import { attachAuth, createUpgradeHandler, type WsAuth, type WsAuthOptions } from '@hivegate/ws'
import { attachTcpAuth, type TcpAuth, type TcpConnection } from '@hivegate/ws/tcp'

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

const keys = { secrets: { 'kid-1': 'a'.repeat(32) } }
const server = http.createServer()
const wss = new WebSocketServer({ noServer: true })
const wsAuth: WsAuth = attachAuth(server, wss, { issuer: 'platform.example', keys, allowedOrigins: ['https://app.example'] })

// @types/ws declares a two-parameter 'connection' listener, so the third one is typed by annotation (README).
wss.on('connection', (ws: WebSocket, req: IncomingMessage, auth: AuthContext) => {
  ws.send(`hello ${auth.subject ?? ''} from ${req.socket.remoteAddress ?? ''}`)
})
// The two parameters @types/ws knows keep their types without annotations.
wss.on('connection', (ws, req) => {
  const exact: Equals<typeof req, IncomingMessage> = true
  ws.send(String(exact))
  const auth: AuthContext | undefined = wsAuth.authOf(ws)
  void auth
})

const handler: WsAuth = createUpgradeHandler(wss, { issuer: 'platform.example', keys, requireCredentialsAtUpgrade: true })
server.on('upgrade', (req, socket, head) => handler.handleUpgrade(req, socket, head))
const closed: number = wsAuth.closeWhere({ subject: 'johndoe' }, 4401)
void closed

const options: WsAuthOptions = { issuer: 'platform.example', keys, quarantineTimeout: 10_000, subprotocolTokenPrefix: 'bearer.' }
// @ts-expect-error: quarantineTimeout is a number of milliseconds
attachAuth(server, wss, { ...options, quarantineTimeout: '10s' })
// @ts-expect-error: requireCredentialsAtUpgrade is a boolean
attachAuth(server, wss, { ...options, requireCredentialsAtUpgrade: 'yes' })
// @ts-expect-error: maxAuthAttempts is a number
attachAuth(server, wss, { ...options, maxAuthAttempts: [3] })

const tcp: TcpAuth = attachTcpAuth(net.createServer(), { issuer: 'platform.example', keys, maxLineLength: 65536 })
tcp.on('connection', (conn: TcpConnection, auth: AuthContext) => {
  conn.on('message', (line: string) => conn.send(`${auth.subject ?? ''}: ${line}`))
})
// @ts-expect-error: maxLineLength is a number of bytes
attachTcpAuth(net.createServer(), { issuer: 'platform.example', keys, maxLineLength: '1MiB' })
