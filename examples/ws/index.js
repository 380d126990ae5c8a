// A WebSocket server behind hivegate: run `node examples/ws` and open the printed URL.
import http from 'node:http'
import { realpathSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WebSocketServer } from 'ws'
import { createSigner } from '@hivegate/core'
import { attachAuth } from '@hivegate/ws'
import { PAGE } from './page.js'

/** Demo settings. The secret is public: set HIVEGATE_SECRET (32+ bytes) for anything real. */
export const DEMO = Object.freeze({
  issuer: 'hivegate-demo',
  kid: 'demo-1',
  secret: 'demo-secret-for-local-testing-only-0123456789',
  cookieName: 'hg_token',
})

/** A token for the demo user, valid for an hour. */
export function demoToken(secret = DEMO.secret) {
  const signer = createSigner({ kid: DEMO.kid, secret, issuer: DEMO.issuer, ttl: '1h' })
  return signer.sign({ sub: 'johndoe', tnd: 'tenant-1' })
}

function cookie(value, maxAge) {
  return `${DEMO.cookieName}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`
}

/**
 * The example server: `/` the page, `POST /login` sets the demo cookie, `POST /token` hands out a
 * token for the auth message, and `/live` is the WebSocket, which echoes what trusted clients send.
 * @param {{ secret?: string, clock?: import('@hivegate/core').Clock }} [options]
 */
export function createServer({ secret = DEMO.secret, clock } = {}) {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE)
    } else if (req.method === 'POST' && req.url === '/login') {
      res.writeHead(204, { 'Set-Cookie': cookie(demoToken(secret), 3600) }).end()
    } else if (req.method === 'POST' && req.url === '/logout') {
      res.writeHead(204, { 'Set-Cookie': cookie('', 0) }).end()
    } else if (req.method === 'POST' && req.url === '/token') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      res.end(JSON.stringify({ token: demoToken(secret) }))
    } else {
      res.writeHead(404).end()
    }
  })
  const wss = new WebSocketServer({ noServer: true, path: '/live' })
  const wsAuth = attachAuth(server, wss, {
    issuer: DEMO.issuer,
    keys: { secrets: { [DEMO.kid]: secret } },
    requiredClaims: ['tnd'],
    cookieName: DEMO.cookieName,
    realm: 'hivegate-demo',
    clock,
  })
  wss.on('connection', (ws, _req, auth) => {
    ws.on('message', (data) => ws.send(`${auth.subject} said: ${data}`))
  })
  server.on('close', () => wsAuth.close())
  return { server, wss, wsAuth }
}

/** True when run as `node examples/ws` (the folder) or `node examples/ws/index.js`. */
function isMain() {
  if (!process.argv[1]) return false
  const self = fileURLToPath(import.meta.url)
  try {
    const entry = realpathSync(process.argv[1])
    return entry === self || entry === dirname(self)
  } catch {
    return false
  }
}

if (isMain()) {
  const secret = process.env.HIVEGATE_SECRET ?? DEMO.secret
  const port = Number(process.env.PORT ?? 3000)
  const { server } = createServer({ secret })
  server.listen(port, '127.0.0.1', () => {
    const base = `http://127.0.0.1:${server.address().port}`
    console.log(`hivegate WebSocket example on ${base}

Open ${base}/ in a browser: log in for the cookie, or connect and send an auth message.
A token for johndoe, valid for an hour:
  TOKEN=${demoToken(secret)}
From a terminal (npx wscat):
  npx wscat -c ${base.replace('http', 'ws')}/live -H "Authorization: Bearer $TOKEN"
  npx wscat -c ${base.replace('http', 'ws')}/live    then type: Bearer $TOKEN`)
  })
}
