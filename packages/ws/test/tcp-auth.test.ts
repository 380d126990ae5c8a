import { expect } from 'chai'
import net, { type AddressInfo } from 'node:net'
import { createAuthenticator, createManualClock, createRevocationList, type AuthContext, type ManualClock, type RevocationList } from '@hivegate/core'
import { attachTcpAuth, TcpConnection, type TcpAuth, type TcpAuthOptions } from '@hivegate/ws/tcp'
import { jsonProtocol } from '@hivegate/ws'
import { close, listen } from '../../../test/helpers/listen.js'
import { tokenAt, verifierOptions } from './fixture.js'
import { connectTcp, type LineClient } from './tcp-client.js'
import { eventually } from '../../../test/helpers/ws-client.js'

interface Handed {
  conn: TcpConnection
  auth: AuthContext
}

describe('tcp-auth', () => {
  let server: net.Server
  let tcp: TcpAuth
  let clock: ManualClock
  let revocations: RevocationList
  let port: number
  let handed: Handed[]
  let clients: LineClient[]

  async function start(options: Partial<TcpAuthOptions> = {}): Promise<void> {
    clock = createManualClock()
    revocations = createRevocationList()
    server = net.createServer()
    // A ready authenticator carries its own verifier options; none may stand beside it.
    tcp = attachTcpAuth(server, options.authenticator === undefined ? { ...verifierOptions(clock), revocations, ...options } : options)
    handed = []
    tcp.on('connection', (conn: TcpConnection, auth: AuthContext) => handed.push({ conn, auth }))
    await listen(server)
    port = (server.address() as AddressInfo).port
  }

  async function client(): Promise<LineClient> {
    const c = await connectTcp(port)
    c.socket.setNoDelay(true)
    clients.push(c)
    return c
  }

  function nextConnection(): Promise<Handed> {
    return new Promise((resolve) => tcp.once('connection', (conn: TcpConnection, auth: AuthContext) => resolve({ conn, auth })))
  }

  function nextLine(conn: TcpConnection): Promise<string> {
    return new Promise((resolve) => conn.once('message', resolve))
  }

  const token = (claims: Record<string, unknown> = {}) => tokenAt(clock, claims)

  beforeEach(() => (clients = []))
  afterEach(async () => {
    tcp.close()
    for (const c of clients) c.socket.destroy()
    await close(server)
  })

  describe('quarantine', () => {
    beforeEach(() => start())

    it('withholds lines until a valid auth line, then hands over the connection and its lines', async () => {
      const c = await client()
      const connected = nextConnection()
      await c.write(`hello\nBearer ${await token()}\n`)
      const { conn, auth } = await connected
      expect(auth.subject).to.equal('johndoe')
      expect(conn.auth).to.equal(auth)
      expect(JSON.parse(await c.next())).to.deep.equal([{ typ: 'sys', act: 'aut', res: 'suc', dat: { sub: 'johndoe', tnd: 'tenant-1', exp: auth.claims.exp } }])
      const line = nextLine(conn)
      await c.write('after\n')
      expect(await line).to.equal('after')
      expect(tcp.authOf(conn)).to.equal(auth)
      conn.send('pong')
      expect(await c.next()).to.equal('pong')
    })

    it('frames an auth line split into single bytes', async () => {
      const c = await client()
      const connected = nextConnection()
      for (const byte of Buffer.from(`Bearer ${await token()}\r\n`)) await c.write(Buffer.from([byte]))
      await connected
      expect(JSON.parse(await c.next())[0].res).to.equal('suc')
    })

    it('frames several lines merged in one packet, keeping their order after the promotion', async () => {
      const c = await client()
      const connected = nextConnection()
      const seen: string[] = []
      tcp.once('connection', (conn: TcpConnection) => conn.on('message', (line: string) => seen.push(line)))
      await c.write(`noise\nBearer ${await token()}\nm1\nm2\n`)
      const { conn } = await connected
      const third = nextLine(conn)
      await c.write('m3\n')
      expect(await third).to.equal('m3')
      expect(seen).to.deep.equal(['m1', 'm2', 'm3'])
    })

    it('answers a bad token with one error line and stays open for a retry', async () => {
      const c = await client()
      await c.write('Bearer a.b.c\n')
      const reply = JSON.parse(await c.next())
      expect(reply[0]).to.include({ typ: 'sys', act: 'aut', res: 'err' })
      expect(reply[0]).not.to.have.property('cid')
      await c.write(`Bearer ${await token()}\n`)
      expect(JSON.parse(await c.next())[0].res).to.equal('suc')
    })
  })

  describe('bounds', () => {
    it('closes after quarantineTimeout with a last error line', async () => {
      await start({ quarantineTimeout: 1000 })
      const c = await client()
      clock.advance(1000)
      expect(JSON.parse(await c.next())[0].err).to.equal('Authentication timed out')
      await c.closed
      await eventually(() => tcp.quarantined === 0)
    })

    it('closes after maxAuthAttempts failures', async () => {
      await start({ maxAuthAttempts: 1 })
      const c = await client()
      await c.write('Bearer a.b.c\n')
      expect(JSON.parse(await c.next())[0].res).to.equal('err')
      expect(JSON.parse(await c.next())[0].err).to.equal('Too many failed authentication attempts')
      await c.closed
    })

    it('closes after more than maxIgnoredMessages lines', async () => {
      await start({ maxIgnoredMessages: 2 })
      const c = await client()
      await c.write('a\nb\nc\n')
      expect(JSON.parse(await c.next())[0].err).to.equal('Too many messages before authentication')
      await c.closed
    })

    it('closes a quarantined connection whose line outgrows maxMessageSize, newline or not', async () => {
      await start({ maxMessageSize: 64 })
      const c = await client()
      await c.write('x'.repeat(65))
      expect(JSON.parse(await c.next())[0].err).to.equal('Message too big')
      await c.closed
    })

    it('bounds trusted lines by maxLineLength', async () => {
      await start({ maxLineLength: 2048 })
      const c = await client()
      const connected = nextConnection()
      await c.write(`Bearer ${await token()}\n`)
      const { conn } = await connected
      await c.next()
      const line = nextLine(conn)
      await c.write(`${'y'.repeat(2000)}\n`)
      expect(await line).to.have.length(2000)
      const closedWith = new Promise((resolve) => conn.once('close', resolve))
      await c.write('z'.repeat(4096))
      expect(await closedWith).to.include({ closeCode: 1009, code: 'message_too_big' })
    })

    it('refuses connections over maxQuarantined with a server_busy line', async () => {
      await start({ maxQuarantined: 1 })
      await client()
      const second = await client()
      expect(JSON.parse(await second.next())[0].err).to.equal('Too many pending connections')
      await second.closed
      expect(tcp.quarantined).to.equal(1)
    })

    it('validates maxLineLength', async () => {
      expect(() => attachTcpAuth(net.createServer(), { ...verifierOptions(createManualClock()), maxLineLength: 0 })).to.throw(RangeError, /"maxLineLength"/)
    })
  })

  describe('trusted connections', () => {
    beforeEach(() => start())

    async function trusted(claims: Record<string, unknown> = {}): Promise<{ c: LineClient; conn: TcpConnection }> {
      const c = await client()
      const connected = nextConnection()
      await c.write(`Bearer ${await token(claims)}\n`)
      const { conn } = await connected
      expect(JSON.parse(await c.next())[0].res).to.equal('suc')
      return { c, conn }
    }

    it('closes at exp + clockTolerance, telling the peer and the app why', async () => {
      const exp = Math.floor(clock.now() / 1000) + 30
      const { c, conn } = await trusted({ exp })
      const closedWith = new Promise((resolve) => conn.once('close', resolve))
      clock.set((exp + 5) * 1000 - 1)
      expect(tcp.authOf(conn)).not.to.equal(undefined)
      clock.set((exp + 5) * 1000)
      expect(tcp.authOf(conn)).to.equal(undefined)
      expect(JSON.parse(await c.next())[0].err).to.equal('The token has expired')
      expect(await closedWith).to.include({ closeCode: 4401, code: 'token_expired' })
    })

    it('closes once the token is older than maxTokenAge + clockTolerance, long before exp', async () => {
      tcp.close()
      await close(server)
      await start({ maxTokenAge: 60 })
      const iat = Math.floor(clock.now() / 1000)
      const { c, conn } = await trusted({ iat, exp: iat + 3600 })
      expect(tcp.authOf(conn)?.validUntil).to.equal((iat + 66) * 1000)
      clock.set((iat + 66) * 1000 - 1)
      expect(tcp.authOf(conn)).not.to.equal(undefined)
      clock.set((iat + 66) * 1000)
      expect(tcp.authOf(conn)).to.equal(undefined)
      expect(JSON.parse(await c.next())[0].err).to.equal('The token has expired')
    })

    it('closes at the tolerance of a ready authenticator, with no clockTolerance repeated beside it', async () => {
      tcp.close()
      await close(server)
      const shared = createManualClock()
      await start({ authenticator: createAuthenticator({ ...verifierOptions(shared), clockTolerance: 0, optional: true, sources: ['authMessage'] }) })
      clock = shared
      const exp = Math.floor(clock.now() / 1000) + 30
      const { c, conn } = await trusted({ exp })
      clock.set(exp * 1000 - 1)
      expect(tcp.authOf(conn)).not.to.equal(undefined)
      clock.set(exp * 1000)
      expect(tcp.authOf(conn)).to.equal(undefined)
      expect(JSON.parse(await c.next())[0].err).to.equal('The token has expired')
    })

    it('re-authenticates in-band without passing the auth line to the app', async () => {
      const { c, conn } = await trusted({ jti: 'old' })
      const seen: string[] = []
      conn.on('message', (line: string) => seen.push(line))
      await c.write(`Bearer ${await token({ jti: 'new' })}\n`)
      expect(JSON.parse(await c.next())[0].res).to.equal('suc')
      expect(conn.auth.claims.jti).to.equal('new')
      expect(seen).to.deep.equal([])
      revocations.revoke('old')
      expect(tcp.connections()).to.have.length(1)
      revocations.revoke('new')
      expect(JSON.parse(await c.next())[0].err).to.equal('The token has been revoked')
      await c.closed
    })

    it('lists and closes connections by subject and tenant', async () => {
      const a = await trusted({ sub: 'alice', tnd: 't1' })
      await trusted({ sub: 'bob', tnd: 't2' })
      expect(tcp.connections({ tenant: 't1' })).to.deep.equal([a.conn])
      expect(tcp.closeWhere({ subject: 'alice' }, 'bye')).to.equal(1)
      expect(JSON.parse(await a.c.next())[0].err).to.equal('bye')
      await a.c.closed
      expect(tcp.connections().map((conn) => conn.auth.subject)).to.deep.equal(['bob'])
    })

    it('lets the app close a connection', async () => {
      const { c, conn } = await trusted()
      conn.close('done')
      expect(JSON.parse(await c.next())[0].err).to.equal('done')
      await c.closed
    })
  })

  it('speaks another protocol, one JSON line per reply', async () => {
    await start({ protocol: jsonProtocol })
    const c = await client()
    await c.write(`{"type":"auth","token":"${await token()}"}\n`)
    expect(JSON.parse(await c.next())).to.include({ type: 'auth_ok', sub: 'johndoe' })
  })

  it('stops accepting after close() and closes what it held', async () => {
    await start()
    const c = await client()
    tcp.close()
    expect(JSON.parse(await c.next())[0].err).to.equal('Server is shutting down')
    await c.closed
  })
})
