import { expect } from 'chai'
import { requireDataProvider, requirePermission } from '@hivegate/socket.io'
import { connected, startIo, type Fixture } from './fixture.js'

const events = {
  'ride:update': requirePermission('london', ({ args }) => `deliveryRides/${(args[0] as { id: string }).id}`, 'U'),
  'rider:position': requireDataProvider('london', 'deliveryRides/johndoe-123'),
}

describe('event guards', () => {
  let f: Fixture
  afterEach(() => f.stop())

  async function client(claims: Record<string, unknown> = {}) {
    return connected(f.client({ auth: { token: await f.token(claims) } }))
  }

  it('lets a granted event through and refuses another with insufficient_permission in its ack', async () => {
    f = await startIo({ events })
    const c = await client()
    expect(await c.emitWithAck('ride:update', { id: 'johndoe-123' })).to.deep.equal({ ok: true, echo: [{ id: 'johndoe-123' }] })
    expect(await c.emitWithAck('ride:update', { id: 'someone-else' })).to.deep.equal({
      ok: false,
      error: 'insufficient_permission',
      error_description: 'The token does not grant this permission',
    })
    expect(f.events).to.have.length(1)
  })

  it('answers a refused event without an ack with hivegate:error naming it', async () => {
    f = await startIo({ events })
    const c = await client({ dpv: {} })
    const error = new Promise((resolve) => c.once('hivegate:error', resolve))
    c.emit('rider:position', { lat: 51.5 })
    expect(await error).to.include({ ok: false, error: 'insufficient_permission', event: 'rider:position' })
    expect(c.connected).to.equal(true)
  })

  it('refuses an event whose guard argument cannot be read (missing field) rather than let it through', async () => {
    f = await startIo({ events })
    const c = await client()
    expect(await c.emitWithAck('ride:update')).to.include({ ok: false, error: 'insufficient_permission' })
  })

  it('lets unlisted events through by default, and refuses them with unlistedEvents: "deny"', async () => {
    f = await startIo({ events })
    expect(await (await client()).emitWithAck('chat', 'hi')).to.include({ ok: true })
    await f.stop()
    f = await startIo({ events, unlistedEvents: 'deny' })
    expect(await (await client()).emitWithAck('chat', 'hi')).to.deep.equal({ ok: false, error: 'insufficient_permission', error_description: 'This event is not allowed' })
  })

  it("passes the AuthError to the socket's 'error' listeners when the application has one", async () => {
    f = await startIo({ events })
    const c = await client()
    const seen = new Promise<{ code: string }>((resolve) => f.sockets[0]!.on('error', (err) => resolve(err as unknown as { code: string })))
    c.emit('ride:update', { id: 'someone-else' })
    expect((await seen).code).to.equal('insufficient_permission')
  })

  it('checks the latest token after a re-authentication', async () => {
    f = await startIo({ events })
    const c = await client({ per: {} })
    expect(await c.emitWithAck('ride:update', { id: 'johndoe-123' })).to.include({ ok: false })
    await c.emitWithAck('hivegate:auth', await f.token())
    expect(await c.emitWithAck('ride:update', { id: 'johndoe-123' })).to.include({ ok: true })
  })
})
