// The Hivekit client's wire behaviour (test/helpers/hivekit-client.ts) against a hivegate server.
import { expect } from 'chai'
import { connect } from '../helpers/ws-client.js'
import { HivekitStandIn } from '../helpers/hivekit-client.js'
import { startWs, type Fixture } from '../../packages/ws/test/fixture.js'

describe('ws: the Hivekit client', () => {
  let f: Fixture
  const clients: HivekitStandIn[] = []
  beforeEach(async () => (f = await startWs()))
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.disconnect()))
    await f.stop()
  })

  function client(options: ConstructorParameters<typeof HivekitStandIn>[0] = {}): HivekitStandIn {
    const c = new HivekitStandIn({ heartbeatInterval: 0, ...options })
    clients.push(c)
    return c
  }

  function origin(): string {
    return f.url.replace(/^ws/, 'http').replace(/\/$/, '')
  }

  it('authenticates with `Bearer <token>` and then sends its queued messages as one array', async () => {
    const c = client()
    await c.connect(f.url)
    c.send({ typ: 'obj', act: 'upd', id: 'rider-1' })
    const message = f.nextAppMessage()
    await c.authenticate(await f.token())
    expect(c.connectionStatus).to.equal('authenticated')
    expect(c.authData).to.include({ sub: 'johndoe', tnd: 'tenant-1' })
    expect(JSON.parse(await message)).to.deep.equal([{ typ: 'obj', act: 'upd', id: 'rider-1' }])
  })

  it('sees a failed authentication as an error event, keeps the socket, and can try again', async () => {
    const c = client()
    await c.connect(f.url)
    const error = new Promise<string>((resolve) => c.on('error', resolve))
    void c.authenticate('a.b.c')
    expect(await error).to.be.a('string').and.not.include('a.b.c')
    expect(c.connectionStatus).to.equal('connected')
    await c.authenticate(await f.token())
    expect(c.connectionStatus).to.equal('authenticated')
    expect(f.app).to.have.length(1)
  })

  it('is authenticated by its cookie at connect, from the success reply alone', async () => {
    const c = client({ headers: { cookie: `hg_token=${await f.token()}`, origin: origin() } })
    const authenticated = new Promise<void>((resolve) =>
      c.on('connectionStatusChanged', (s: string) => s === 'authenticated' && resolve()),
    )
    await c.connect(f.url)
    await authenticated
    expect(f.app[0]!.auth.source).to.equal('cookie')
  })

  it('reconnects at once with the same cookie after the server closes the connection', async () => {
    const c = client({ headers: { cookie: `hg_token=${await f.token({ sub: 'rider-7' })}`, origin: origin() } })
    const first = f.nextConnection()
    await c.connect(f.url)
    await first
    const second = f.nextConnection()
    expect(f.wsAuth.closeWhere({ subject: 'rider-7' })).to.equal(1)
    expect((await second).auth.subject).to.equal('rider-7')
    expect(c.connects).to.equal(2)
  })

  it('takes the success reply for its own: no cid, so no unknown-request error', async () => {
    const c = client()
    const errors: string[] = []
    c.on('error', (e: string) => errors.push(e))
    await c.connect(f.url)
    await c.authenticate(await f.token())
    expect(errors).to.deep.equal([])
  })

  it('sends the messages of one tick as one array once authenticated', async () => {
    const c = client()
    await c.connect(f.url)
    await c.authenticate(await f.token())
    const message = f.nextAppMessage()
    c.send({ typ: 'rea', act: 'lis' })
    c.send({ typ: 'obj', act: 'lis', rea: 'london' })
    expect(JSON.parse(await message)).to.deep.equal([{ typ: 'rea', act: 'lis' }, { typ: 'obj', act: 'lis', rea: 'london' }])
  })

  it('withholds a message sent before authentication from the app', async () => {
    const raw = await connect(f.url)
    raw.send(JSON.stringify([{ typ: 'sys', act: 'hbt', cid: 'heartbeat-1' }]))
    raw.send(`Bearer ${await f.token()}`)
    expect(JSON.parse(await raw.next())[0].res).to.equal('suc')
    expect(f.app[0]!.messages).to.deep.equal([])
    await raw.close()
  })
})
