// A tiny upstream for the demo: echoes the identity the gateway forwarded, over HTTP and WebSocket.
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'

function identity(headers) {
  let claims
  try {
    claims = headers['x-hivegate-claims'] ? JSON.parse(Buffer.from(headers['x-hivegate-claims'], 'base64url').toString('utf8')) : undefined
  } catch {
    claims = 'undecodable'
  }
  return { sub: headers['x-hivegate-sub'], tenant: headers['x-hivegate-tenant'], claims }
}

/** Starts the echo upstream on 127.0.0.1:`port` (0 picks a free port); resolves to `{ url, close }`. */
export async function startDemoUpstream(port = 0) {
  const server = createServer((req, res) => {
    const body = JSON.stringify({
      upstream: 'hivegate demo upstream',
      method: req.method,
      url: req.url,
      identity: identity(req.headers),
      credentialsSeen: { authorization: req.headers.authorization !== undefined, cookie: req.headers.cookie ?? null },
    }, null, 2)
    res.writeHead(200, { 'content-type': 'application/json' }).end(`${body}\n`)
  })
  const wss = new WebSocketServer({ server, maxPayload: 1024 * 1024 })
  wss.on('connection', (ws, req) => {
    const who = identity(req.headers).sub ?? 'anonymous'
    ws.on('message', (data, isBinary) => ws.send(isBinary ? data : `echo to ${who}: ${data}`, { binary: isBinary }))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        for (const ws of wss.clients) ws.terminate()
        wss.close()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
