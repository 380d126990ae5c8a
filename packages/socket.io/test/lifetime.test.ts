import { expect } from 'chai'
import type { Socket as ClientSocket } from 'socket.io-client'
import { connected, disconnectedWith, startIo, type Fixture } from './fixture.js'

describe('lifetime', () => {
  let f: Fixture
  beforeEach(async () => (f = await startIo()))
  afterEach(() => f.stop())

  async function trusted(claims: Record<string, unknown> = {}): Promise<ClientSocket> {
    return connected(f.client({ auth: { token: await f.token(claims) } }))
  }

  it("disconnects at the verifier's validUntil (exp plus the 5 s tolerance), driven by its clock", async () => {
    const now = Math.floor(f.clock.now() / 1000)
    const client = await trusted({ exp: now + 60 })
    const deadline = f.sockets[0]!.data.auth.validUntil as number
    expect(deadline).to.equal((now + 65) * 1000)
    const gone = disconnectedWith(client)
    f.clock.set(deadline - 1)
    expect(f.socketAuth.connections()).to.have.length(1)
    f.clock.set(deadline)
    expect(f.socketAuth.connections()).to.have.length(0)
    expect(await gone).to.deep.equal({
      error: { ok: false, error: 'token_expired', error_description: 'The token has expired' },
      reason: 'io server disconnect',
    })
  })

  it('disconnects at iat plus maxTokenAge when that comes first', async () => {
    await f.stop()
    f = await startIo({ maxTokenAge: 30 })
    const now = Math.floor(f.clock.now() / 1000)
    const client = await trusted({ iat: now, exp: now + 3600 })
    const deadline = f.sockets[0]!.data.auth.validUntil as number
    expect(deadline).to.be.below((now + 60) * 1000)
    const gone = disconnectedWith(client)
    f.clock.set(deadline)
    expect((await gone).error).to.include({ error: 'token_expired' })
  })

  it("disconnects the sockets of a revoked jti (core's shared revocation list), and only those", async () => {
    const a = await trusted({ jti: 'jti-a' })
    const b = await trusted({ jti: 'jti-b' })
    const gone = disconnectedWith(a)
    f.revocations.revoke('jti-a')
    expect((await gone).error).to.include({ error: 'token_revoked' })
    expect(b.connected).to.equal(true)
    expect(f.socketAuth.connections().map((s) => s.data.auth.claims.jti)).to.deep.equal(['jti-b'])
  })

  it('closeWhere by subject, tenant or jti disconnects the matching sockets and says how many', async () => {
    const alice = await trusted({ sub: 'alice', jti: 'j1' })
    const bob = await trusted({ sub: 'bob', tnd: 'tenant-2', jti: 'j2' })
    const carol = await trusted({ sub: 'carol', jti: 'j3' })
    expect(f.socketAuth.closeWhere({ subject: 'nobody' })).to.equal(0)
    const aliceGone = disconnectedWith(alice)
    expect(f.socketAuth.closeWhere({ subject: 'alice' })).to.equal(1)
    expect((await aliceGone).error).to.deep.equal({ ok: false, error: 'closed_by_server', error_description: 'Connection closed by the server' })
    const bobGone = disconnectedWith(bob)
    expect(f.socketAuth.closeWhere({ tenant: 'tenant-2' }, 'Access withdrawn')).to.equal(1)
    expect((await bobGone).error).to.include({ error: 'closed_by_server', error_description: 'Access withdrawn' })
    const carolGone = disconnectedWith(carol)
    expect(f.socketAuth.closeWhere({ jti: 'j3' })).to.equal(1)
    await carolGone
    expect(() => f.socketAuth.closeWhere({})).to.throw(TypeError, /"filter"/)
  })

  describe('re-authentication (hivegate:auth)', () => {
    it('extends the deadline in place and acks the new one', async () => {
      const now = Math.floor(f.clock.now() / 1000)
      const client = await trusted({ exp: now + 60, jti: 'old' })
      const fresh = await f.token({ exp: now + 600, jti: 'new' })
      const ack = await client.emitWithAck('hivegate:auth', fresh)
      expect(ack).to.deep.equal({ ok: true, sub: 'johndoe', tnd: 'tenant-1', exp: now + 600, validUntil: (now + 605) * 1000 })
      expect(f.sockets[0]!.data.auth.claims.jti).to.equal('new')
      f.clock.advance(120_000)
      expect(client.connected).to.equal(true)
      expect(f.socketAuth.connections()).to.have.length(1)
      // The old jti no longer names this socket; the new one does.
      f.revocations.revoke('old')
      expect(f.socketAuth.connections()).to.have.length(1)
      const gone = disconnectedWith(client)
      f.clock.advance(500_000)
      expect((await gone).error).to.include({ error: 'token_expired' })
    })

    it('never hands the auth event to the application', async () => {
      const client = await trusted()
      await client.emitWithAck('hivegate:auth', await f.token())
      const next = f.nextEvent()
      client.emit('chat', 'hi')
      expect((await next).event).to.equal('chat')
      expect(f.events.map((e) => e.event)).to.deep.equal(['chat'])
    })

    it('answers without an ack by emitting hivegate:auth back', async () => {
      const client = await trusted()
      const answer = new Promise((resolve) => client.once('hivegate:auth', resolve))
      client.emit('hivegate:auth', await f.token())
      expect(await answer).to.include({ ok: true, sub: 'johndoe' })
    })

    for (const [what, claims] of [['subject', { sub: 'mallory' }], ['tenant', { tnd: 'tenant-2' }]] as const) {
      it(`refuses another ${what} with insufficient_permission and disconnects, as @hivegate/ws closes`, async () => {
        const client = await trusted()
        const gone = disconnectedWith(client)
        const ack = await client.emitWithAck('hivegate:auth', await f.token(claims))
        expect(ack).to.deep.equal({ ok: false, error: 'insufficient_permission', error_description: 'Re-authentication must keep the same subject and tenant' })
        expect((await gone).reason).to.equal('io server disconnect')
        expect(f.socketAuth.connections()).to.have.length(0)
      })
    }

    it('refuses an invalid token and disconnects', async () => {
      const client = await trusted()
      const gone = disconnectedWith(client)
      const ack = await client.emitWithAck('hivegate:auth', `${await f.token()}x`)
      expect(ack).to.include({ ok: false, error: 'invalid_token' })
      expect((await gone).error).to.include({ error: 'invalid_token' })
    })
  })
})
