// A socket.io server behind hivegate: run `node examples/socket.io` and use the printed token.
import http from 'node:http'
import { realpathSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Server } from 'socket.io'
import { createSigner } from '@hivegate/core'
import { createSocketAuth, requirePermission } from '@hivegate/socket.io'

/** Demo settings. The secret is public: set HIVEGATE_SECRET (32+ bytes) for anything real. */
export const DEMO = Object.freeze({
  issuer: 'hivegate-demo',
  kid: 'demo-1',
  secret: 'demo-secret-for-local-testing-only-0123456789',
})

/** A token for the demo user, valid for an hour, that may update the ride `deliveryRides/johndoe-123`. */
export function demoToken(secret = DEMO.secret, claims = {}) {
  const signer = createSigner({ kid: DEMO.kid, secret, issuer: DEMO.issuer, ttl: '1h' })
  return signer.sign({ sub: 'johndoe', tnd: 'tenant-1', per: { london: { 'deliveryRides/johndoe-123': 'RU' } }, ...claims })
}

/**
 * The example server: `POST /token` hands out a demo token; socket.io echoes `chat` to trusted
 * sockets and lets `ride:update` through only for rides the token may update. A socket that
 * connects without a token is quarantined until it emits `hivegate:auth` with one.
 * @param {{ secret?: string, clock?: import('@hivegate/core').Clock }} [options]
 */
export function createServer({ secret = DEMO.secret, clock } = {}) {
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/token') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      res.end(JSON.stringify({ token: demoToken(secret) }))
    } else {
      res.writeHead(404).end()
    }
  })
  const io = new Server(server)
  const socketAuth = createSocketAuth({
    issuer: DEMO.issuer,
    keys: { secrets: { [DEMO.kid]: secret } },
    requiredClaims: ['tnd'],
    clock,
    quarantine: true,
    events: { 'ride:update': requirePermission('london', ({ args }) => `deliveryRides/${args[0]?.id}`, 'U') },
  })
  io.use(socketAuth.middleware)
  io.on('connection', (socket) => {
    socket.on('chat', (text, ack) => ack?.(`${socket.data.auth.subject} said: ${text}`))
    socket.on('ride:update', (ride, ack) => ack?.({ updated: ride.id }))
  })
  server.on('close', () => socketAuth.close())
  return { server, io, socketAuth }
}

/** True when run as `node examples/socket.io` (the folder) or `node examples/socket.io/index.js`. */
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
    console.log(`hivegate socket.io example on ${base}

A token for johndoe, valid for an hour:
  TOKEN=${demoToken(secret)}
From Node (npm i socket.io-client):
  io('${base}', { auth: { token: process.env.TOKEN } }).emitWithAck('chat', 'hi').then(console.log)`)
  })
}
