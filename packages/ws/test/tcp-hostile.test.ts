import { expect } from 'chai'
import net, { type AddressInfo } from 'node:net'
import { createManualClock, type AuthContext, type ManualClock } from '@hivegate/core'
import { attachTcpAuth, TcpConnection, type TcpAuth, type TcpAuthOptions } from '@hivegate/ws/tcp'
import { close, listen } from '../../../test/helpers/listen.js'
import { eventually } from '../../../test/helpers/ws-client.js'
import { tokenAt, verifierOptions } from './fixture.js'
import { connectTcp, type LineClient } from './tcp-client.js'

describe('tcp-auth: hostile peers', () => {
  let server: net.Server
  let tcp: TcpAuth
  let clock: ManualClock
  let port: number
  let clients: LineClient[]

  async function start(options: Partial<TcpAuthOptions> = {}, serverOptions: net.ServerOpts = {}): Promise<void> {
    clock = createManualClock()
    server = net.createServer(serverOptions)
    tcp = attachTcpAuth(server, { ...verifierOptions(clock), ...options })
    await listen(server)
    port = (server.address() as AddressInfo).port
  }

  async function client(): Promise<LineClient> {
    const c = await connectTcp(port)
    clients.push(c)
    return c
  }

  function nextConnection(): Promise<TcpConnection> {
    return new Promise((resolve) => tcp.once('connection', (conn: TcpConnection, _auth: AuthContext) => resolve(conn)))
  }

  beforeEach(() => (clients = []))
  afterEach(async () => {
    tcp.close()
    for (const c of clients) c.socket.destroy()
    await close(server)
  })

  it('refuses to send a line containing a newline, which would forge a second line', async () => {
    await start()
    const c = await client()
    const handed = nextConnection()
    await c.write(`Bearer ${await tokenAt(clock)}\n`)
    const conn = await handed
    expect(JSON.parse(await c.next())[0].res).to.equal('suc')
    const forged = `hello\n${JSON.stringify([{ typ: 'sys', act: 'aut', res: 'suc', dat: { sub: 'admin' } }])}`
    expect(() => conn.send(forged)).to.throw(TypeError, /"line"/)
    conn.send('plain')
    expect(await c.next()).to.equal('plain')
  })

  it('passes a NUL byte in a trusted line to the app as is, and refuses one in the auth line', async () => {
    await start()
    const c = await client()
    await c.write(`Bearer ${await tokenAt(clock)}\0\n`)
    expect(JSON.parse(await c.next())[0].res).to.equal('err')
    const handed = nextConnection()
    await c.write(`Bearer ${await tokenAt(clock)}\n`)
    const conn = await handed
    const line = new Promise((resolve) => conn.once('message', resolve))
    await c.write('a\0b\r\n')
    expect(await line).to.equal('a\0b')
  })

  it('closes a quarantined peer sending 10 MB without a newline after one error line, freeing its slot', async () => {
    await start()
    const c = await client()
    c.socket.write(Buffer.alloc(10 * 1024 * 1024, 'a'))
    expect(JSON.parse(await c.next())[0].err).to.equal('Message too big')
    await c.closed
    await eventually(() => tcp.quarantined === 0)
    expect(clock.pending).to.equal(0)
  })

  it('answers an auth line from a peer that half-closed right after it, on a server that allows half-open sockets', async () => {
    await start({}, { allowHalfOpen: true })
    const c = await client()
    const handed = nextConnection()
    c.socket.end(`Bearer ${await tokenAt(clock)}\n`)
    await handed
    expect(JSON.parse(await c.next())[0].res).to.equal('suc')
  })

  async function trustedPausedPeer(): Promise<TcpConnection> {
    const c = await client()
    const handed = nextConnection()
    await c.write(`Bearer ${await tokenAt(clock, { sub: 'slow-reader' })}\n`)
    const conn = await handed
    expect(JSON.parse(await c.next())[0].res).to.equal('suc')
    c.socket.pause()
    return conn
  }

  it('destroys at once a connection it closes whose peer stopped reading what was sent', async () => {
    await start()
    const conn = await trustedPausedPeer()
    for (let i = 0; i < 200 && !conn.socket.writableNeedDrain; i++) conn.send('y'.repeat(64 * 1024))
    expect(conn.socket.writableNeedDrain).to.equal(true)
    const gone = new Promise((resolve) => conn.socket.once('close', resolve))
    expect(tcp.closeWhere({ subject: 'slow-reader' })).to.equal(1)
    await gone
    expect(clock.pending).to.equal(0)
  })

  it('destroys a closed connection whose last line is still unread after closeTimeout', async () => {
    await start({ closeTimeout: 2000 })
    const conn = await trustedPausedPeer()
    // Fill the kernel buffers with small lines, so that what waits in Node stays under the high-water mark.
    for (let i = 0; i < 100_000 && conn.socket.writableLength === 0; i++) conn.send('y'.repeat(1024))
    expect(conn.socket.writableLength).to.be.above(0)
    expect(conn.socket.writableNeedDrain).to.equal(false)
    let gone = false
    const closed = new Promise((resolve) => conn.socket.once('close', resolve))
    void closed.then(() => (gone = true))
    tcp.closeWhere({ subject: 'slow-reader' })
    clock.advance(1999)
    await new Promise((resolve) => setImmediate(resolve))
    expect(gone).to.equal(false)
    clock.advance(1)
    await closed
    expect(clock.pending).to.equal(0)
  })

  it('validates closeTimeout', async () => {
    expect(() => attachTcpAuth(net.createServer(), { ...verifierOptions(createManualClock()), closeTimeout: 0 })).to.throw(RangeError, /"closeTimeout"/)
  })

  it('frees the slot and timer of a peer reset mid-quarantine', async () => {
    await start()
    const peers = await Promise.all([client(), client(), client()])
    await eventually(() => tcp.quarantined === 3)
    for (const peer of peers) peer.socket.resetAndDestroy()
    await eventually(() => tcp.quarantined === 0)
    expect(clock.pending).to.equal(0)
  })
})
