// Hostile upgrade requests written by hand: what the server answers before any WebSocket frame,
// and that none of them leaves a quarantine slot taken.
import { expect } from 'chai'
import net from 'node:net'
import { createAuthenticator, createManualClock } from '@hivegate/core'
import { createUpgradeHandler } from '@hivegate/ws'
import { WebSocketServer } from 'ws'
import { connect, eventually, rawWebSocket } from '../helpers/ws-client.js'
import { startWs, verifierOptions, type Fixture } from '../../packages/ws/test/fixture.js'

/** Writes `request` on a fresh TCP connection and resolves with everything the server sends before closing. */
function exchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname)
    let answer = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (answer += chunk))
    socket.on('error', () => {})
    socket.once('close', () => resolve(answer))
    socket.write(request)
  })
}

describe('ws: hostile upgrade requests', () => {
  let f: Fixture
  beforeEach(async () => (f = await startWs({ subprotocolTokenPrefix: 'bearer.' })))
  afterEach(() => f.stop())

  const handshake = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'

  it('answers 400 to an h2c upgrade (Connection: Upgrade with another protocol) and keeps no slot', async () => {
    const answer = await exchange(f.url, `GET / HTTP/1.1\r\nHost: x\r\n${handshake}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`)
    expect(answer).to.match(/^HTTP\/1\.1 400 /)
    await eventually(() => f.wsAuth.quarantined === 0)
  })

  it('answers 400 invalid_request to two Authorization headers, even when one is valid', async () => {
    const token = await f.token()
    for (const [first, second] of [[token, token], ['x.y.z', token]]) {
      const raw = await rawWebSocket(f.url, { Authorization: `Bearer ${first}`, authorization: `Bearer ${second}` })
      expect(raw.head).to.match(/^HTTP\/1\.1 400 /)
      expect(raw.head).to.include('error="invalid_request"')
      expect(raw.head).to.not.include(token)
    }
    expect(f.app).to.have.length(0)
  })

  it('never echoes the token protocol among 20 others, nor when it is the only one offered', async () => {
    const token = await f.token()
    const offered = [...Array.from({ length: 20 }, (_, i) => `p${i}`), `bearer.${token}`].join(', ')
    const many = await rawWebSocket(f.url, { 'Sec-WebSocket-Protocol': offered })
    expect(many.head).to.match(/^HTTP\/1\.1 101 /)
    expect(many.head).to.match(/sec-websocket-protocol: p0\r?$/im)
    const alone = await rawWebSocket(f.url, { 'Sec-WebSocket-Protocol': `bearer.${token}` })
    expect(alone.head).to.match(/^HTTP\/1\.1 101 /)
    expect(alone.head.toLowerCase()).to.not.include('sec-websocket-protocol')
    for (const raw of [many, alone]) expect(raw.head).to.not.include(token)
    many.socket.destroy()
    alone.socket.destroy()
  })

  it('quarantines an upgrade offering a 10 KB protocol value, which carries no token', async () => {
    const raw = await rawWebSocket(f.url, { 'Sec-WebSocket-Protocol': `app, ${'x'.repeat(10_000)}` })
    expect(raw.head).to.match(/^HTTP\/1\.1 101 /)
    expect(f.wsAuth.quarantined).to.equal(1)
    raw.socket.destroy()
  })

  it('refuses a cookie without an Origin (403), as a non-browser client would send it', async () => {
    const raw = await rawWebSocket(f.url, { Cookie: `hg_token=${await f.token()}` })
    expect(raw.head).to.match(/^HTTP\/1\.1 403 /)
  })

  it('reads bytes sent behind the upgrade request (a GET with a body) as frames: unmasked, so 1002', async () => {
    const raw = await rawWebSocket(f.url, { 'Content-Length': '5' })
    raw.socket.write('hello')
    expect((await raw.closed).code).to.equal(1002)
    expect(f.app).to.have.length(0)
  })

  it('frees the slot of a connection reset right after its upgrade request', async () => {
    const { hostname, port } = new URL(f.url)
    const gone: Array<Promise<void>> = []
    for (let i = 0; i < 20; i++) {
      const socket = net.connect(Number(port), hostname)
      socket.on('error', () => {})
      gone.push(new Promise((resolve) => socket.once('close', () => resolve())))
      socket.write(`GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${handshake}\r\n`, () => socket.resetAndDestroy())
    }
    await Promise.all(gone)
    const client = await connect(f.url)
    client.send(`Bearer ${await f.token()}`)
    expect(JSON.parse(await client.next())[0].res).to.equal('suc')
    await eventually(() => f.wsAuth.quarantined === 0)
    expect(f.clock.pending).to.equal(1)
    await client.close()
  })
})

describe('ws: resolver and verifier options next to a ready authenticator', () => {
  it('are refused, naming the option, since the authenticator already holds its own', () => {
    const clock = createManualClock()
    const authenticator = createAuthenticator({ ...verifierOptions(clock), optional: true })
    const wss = new WebSocketServer({ noServer: true })
    expect(() => createUpgradeHandler(wss, { authenticator, clockTolerance: 30 })).to.throw(TypeError, /"clockTolerance" cannot be used with "authenticator"/)
    expect(() => createUpgradeHandler(wss, { authenticator, cookieName: 'other' })).to.throw(TypeError, /"cookieName"/)
    expect(() => createUpgradeHandler(wss, { authenticator, keys: { secrets: {} } })).to.throw(TypeError, /"keys"/)
    // Its own options (bounds, protocol) still go with it.
    const wsAuth = createUpgradeHandler(wss, { authenticator, maxQuarantined: 5, clockTolerance: undefined })
    wsAuth.close()
    wss.close()
  })
})
