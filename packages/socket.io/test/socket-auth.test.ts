import { expect } from 'chai'
import { connected, disconnectedWith, refused, startIo, type Fixture } from './fixture.js'

describe('createSocketAuth', () => {
  let f: Fixture
  beforeEach(async () => (f = await startIo({ quarantine: true })))
  afterEach(() => f.stop())

  it('close() disconnects trusted and quarantined sockets with going_away, clears its timers and refuses new handshakes', async () => {
    const trusted = await connected(f.client({ auth: { token: await f.token() } }))
    const waiting = await connected(f.client())
    const goneTrusted = disconnectedWith(trusted)
    const goneWaiting = disconnectedWith(waiting)
    f.socketAuth.close()
    expect((await goneTrusted).error).to.include({ error: 'going_away' })
    expect((await goneWaiting).error).to.include({ error: 'going_away' })
    expect(f.clock.pending).to.equal(0)
    expect((await refused(f.client({ auth: { token: await f.token() } }))).data!.error).to.equal('server_busy')
  })

  it('works over the HTTP long-polling transport too', async () => {
    const client = await connected(f.client({ transports: ['polling'], auth: { token: await f.token() } }))
    expect(await client.emitWithAck('chat', 'polled')).to.deep.equal({ ok: true, echo: ['polled'] })
    const gone = disconnectedWith(client)
    f.socketAuth.closeWhere({ subject: 'johndoe' })
    expect((await gone).error).to.include({ error: 'closed_by_server' })
  })

  it('serves several namespaces with one middleware', async () => {
    const admin = f.io.of('/admin')
    admin.use(f.socketAuth.middleware)
    const seen = new Promise<string | undefined>((resolve) => admin.on('connection', (s) => resolve(s.data.auth?.subject)))
    const { io } = await import('socket.io-client')
    const second = io(`${f.url}/admin`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: await f.token({ sub: 'alice' }) } })
    try {
      await connected(second)
      expect(await seen).to.equal('alice')
      expect(f.socketAuth.connections({ subject: 'alice' }).map((s) => s.nsp.name)).to.deep.equal(['/admin'])
    } finally {
      second.disconnect()
    }
  })

  it('disconnects a socket whose token is revoked between the handshake check and the connection', async () => {
    f.io.use((socket, next) => {
      f.revocations.revoke(socket.data.auth.claims.jti)
      next()
    })
    const client = f.client({ auth: { token: await f.token() } })
    const gone = disconnectedWith(client)
    expect((await gone).error).to.include({ error: 'token_revoked' })
    expect(f.socketAuth.connections()).to.have.length(0)
  })

  it('frees the quarantine slot and the session of a socket whose transport closes during the handshake', async () => {
    const closedOnServer = new Promise<void>((resolve) =>
      f.io.use((socket, next) => {
        socket.conn.once('close', () => resolve())
        socket.conn.close()
        next()
      }),
    )
    f.client()
    await closedOnServer
    expect(f.socketAuth.quarantined).to.equal(0)
    expect(f.clock.pending).to.equal(0)
    expect(f.sockets).to.have.length(0)
  })

  it('disconnects a socket admitted just before close(), once socket.io connects it', async () => {
    f.io.use((_socket, next) => {
      f.socketAuth.close()
      next()
    })
    const client = f.client({ auth: { token: await f.token() } })
    const gone = disconnectedWith(client)
    expect((await gone).error).to.include({ error: 'going_away' })
  })
})
