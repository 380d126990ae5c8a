// An echo upstream and a gateway in front of it, for proxy tests: both on 127.0.0.1 port 0.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'
import { authProxy, type AuthProxy, type AuthProxyOptions } from '@hivegate/proxy'
import { connect as connectTcp } from 'node:net'
import { close, listen } from './listen.js'

export interface EchoedRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  rawHeaders: string[]
}

export interface EchoUpstream {
  readonly url: string
  /** Every HTTP request it received. */
  readonly requests: EchoedRequest[]
  /** Handshake headers of every WebSocket it accepted. */
  readonly upgrades: IncomingHttpHeaders[]
  /** Its side of every WebSocket, in order of arrival. */
  readonly sockets: WebSocket[]
  /** Resolves with the next WebSocket the upstream accepts. */
  nextSocket(): Promise<WebSocket>
  close(): Promise<void>
}

/**
 * HTTP: answers `/slow/*` never, everything else with its request as JSON.
 * WebSocket: echoes text as `echo:<text>`, binary as binary; `close-me` closes with 4321.
 */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  const requests: EchoedRequest[] = []
  const upgrades: IncomingHttpHeaders[] = []
  const sockets: WebSocket[] = []
  const hanging: ServerResponse[] = []
  const waiters: Array<(ws: WebSocket) => void> = []
  const server: Server = createServer((req, res) => {
    const seen = { method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders }
    requests.push(seen)
    if (req.url?.startsWith('/slow')) return void hanging.push(res)
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen))
  })
  const wss = new WebSocketServer({ server })
  wss.on('connection', (ws, req) => {
    upgrades.push(req.headers)
    sockets.push(ws)
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.send(data, { binary: true })
      const text = data.toString()
      if (text === 'close-me') return ws.close(4321, 'upstream says bye')
      ws.send(`echo:${text}`)
    })
    waiters.shift()?.(ws)
  })
  const url = await listen(server)
  return {
    url,
    requests,
    upgrades,
    sockets,
    nextSocket: () => new Promise((resolve) => waiters.push(resolve)),
    async close() {
      for (const ws of wss.clients) ws.terminate()
      wss.close()
      for (const res of hanging) res.destroy()
      await close(server)
    },
  }
}

export interface RunningProxy {
  readonly url: string
  readonly wsUrl: string
  readonly proxy: AuthProxy
  readonly server: Server
  close(): Promise<void>
}

/** `authProxy(options)` on a plain node:http server, with its upgrade hook. */
export async function startProxy(options: AuthProxyOptions): Promise<RunningProxy> {
  const proxy = authProxy(options)
  const server = createServer((req, res) => void proxy.middleware(req, res))
  server.on('upgrade', proxy.upgrade)
  const url = await listen(server)
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    proxy,
    server,
    async close() {
      await proxy.close()
      await close(server)
    },
  }
}

/**
 * Writes `text` as is on a fresh TCP connection to `url` and resolves with every byte received
 * once the server closes it (send `Connection: close`). For requests no HTTP client would send.
 */
export function rawExchange(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connectTcp(Number(port), hostname)
    let received = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (received += chunk))
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)))
    socket.on('close', () => resolve(received))
    socket.write(text)
  })
}

/** The status line's code of a raw response, or 0 when the connection closed without an answer. */
export function rawStatus(response: string): number {
  return Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0)
}
