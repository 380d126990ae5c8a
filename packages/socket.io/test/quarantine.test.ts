import { expect } from 'chai'
import type { Socket } from 'socket.io'
import type { AuthContext } from '@hivegate/core'
import { connected, disconnectedWith, refused, startIo, type Fixture } from './fixture.js'

describe('quarantine', () => {
  let f: Fixture
  const promoted: Array<[Socket, AuthContext]> = []
  afterEach(() => f.stop())

  async function start(options: Record<string, unknown> = {}): Promise<void> {
    promoted.length = 0
    f = await startIo({ quarantine: true, onTrusted: (socket, auth) => void promoted.push([socket, auth]), ...options })
  }

  it('admits a socket without a token but withholds its events until hivegate:auth verifies', async () => {
    await start()
    const client = await connected(f.client())
    expect(f.socketAuth.quarantined).to.equal(1)
    expect(f.sockets[0]!.data.auth).to.equal(undefined)
    const withheld = await client.emitWithAck('chat', 'too early')
    expect(withheld).to.deep.equal({ ok: false, error: 'credentials_required', error_description: 'Authenticate with the hivegate:auth event first' })
    const ack = await client.emitWithAck('hivegate:auth', await f.token())
    expect(ack).to.include({ ok: true, sub: 'johndoe', tnd: 'tenant-1' })
    expect(f.socketAuth.quarantined).to.equal(0)
    expect(promoted).to.have.length(1)
    expect(promoted[0]![0]).to.equal(f.sockets[0])
    expect(f.sockets[0]!.data.auth).to.include({ source: 'authMessage', subject: 'johndoe' })
    expect(await client.emitWithAck('chat', 'now')).to.deep.equal({ ok: true, echo: ['now'] })
    expect(f.events.map((e) => e.args)).to.deep.equal([['now']])
  })

  it('answers a withheld event without an ack with hivegate:error naming the event', async () => {
    await start()
    const client = await connected(f.client())
    const error = new Promise((resolve) => client.once('hivegate:error', resolve))
    client.emit('chat', 'too early')
    expect(await error).to.include({ ok: false, error: 'credentials_required', event: 'chat' })
  })

  it('delivers events sent right behind the auth event, in order, after the promotion', async () => {
    await start()
    const client = await connected(f.client())
    const first = f.nextEvent()
    const second = f.nextEvent()
    client.emit('hivegate:auth', await f.token())
    client.emit('chat', 'm1')
    client.emit('chat', 'm2')
    expect([(await first).args, (await second).args]).to.deep.equal([['m1'], ['m2']])
  })

  it('stays open after a bad token, for a retry', async () => {
    await start()
    const client = await connected(f.client())
    expect(await client.emitWithAck('hivegate:auth', `${await f.token()}x`)).to.include({ ok: false, error: 'invalid_token' })
    expect(await client.emitWithAck('hivegate:auth', await f.token())).to.include({ ok: true })
  })

  it('refuses wrong types in the auth event with invalid_request and keeps the socket', async () => {
    await start({ maxAuthAttempts: 10 })
    const client = await connected(f.client())
    for (const value of [42, { token: 'a.b.c' }, ['a.b.c'], null, '', 'not a jws']) {
      expect(await client.emitWithAck('hivegate:auth', value)).to.include({ ok: false, error: 'invalid_request' })
    }
    expect(await client.emitWithAck('hivegate:auth')).to.include({ ok: false, error: 'invalid_request' })
    expect(client.connected).to.equal(true)
  })

  it('the handshake of a socket that later authenticates still fails on an invalid token (no fall-through to quarantine)', async () => {
    await start()
    const err = await refused(f.client({ auth: { token: `${await f.token()}x` } }))
    expect(err.data!.error).to.equal('invalid_token')
  })

  describe('bounds', () => {
    it('quarantineTimeout: disconnects with quarantine_timeout on the verifier clock', async () => {
      await start({ quarantineTimeout: 5000 })
      const client = await connected(f.client())
      const gone = disconnectedWith(client)
      f.clock.advance(4999)
      expect(f.socketAuth.quarantined).to.equal(1)
      f.clock.advance(1)
      expect(await gone).to.deep.equal({
        error: { ok: false, error: 'quarantine_timeout', error_description: 'Authentication timed out' },
        reason: 'io server disconnect',
      })
    })

    it('quarantineTimeout: no longer applies once promoted', async () => {
      await start({ quarantineTimeout: 5000 })
      const client = await connected(f.client())
      await client.emitWithAck('hivegate:auth', await f.token())
      f.clock.advance(10_000)
      expect(f.socketAuth.connections()).to.have.length(1)
    })

    it('maxQuarantined: refuses the next handshake with server_busy until a slot is free', async () => {
      await start({ maxQuarantined: 2 })
      const a = await connected(f.client())
      await connected(f.client())
      const busy = await refused(f.client())
      expect(busy.data).to.deep.equal({ error: 'server_busy', error_description: 'Too many pending connections' })
      // A socket with a token needs no slot.
      await connected(f.client({ auth: { token: await f.token() } }))
      const left = f.nextDisconnect()
      a.disconnect()
      await left
      expect(f.socketAuth.quarantined).to.equal(1)
      await connected(f.client())
      expect(f.socketAuth.quarantined).to.equal(2)
    })

    it('maxMessageSize: an auth event with a larger token is refused with message_too_big and disconnected', async () => {
      await start({ maxMessageSize: 512 })
      const client = await connected(f.client())
      const gone = disconnectedWith(client)
      const ack = await client.emitWithAck('hivegate:auth', `${'a'.repeat(300)}.${'b'.repeat(300)}.c`)
      expect(ack).to.deep.equal({ ok: false, error: 'message_too_big', error_description: 'Message too big' })
      expect((await gone).error).to.include({ error: 'message_too_big' })
    })

    it('maxMessageSize counts bytes, not characters', async () => {
      await start({ maxMessageSize: 100 })
      const client = await connected(f.client())
      const gone = disconnectedWith(client)
      expect(await client.emitWithAck('hivegate:auth', 'é'.repeat(60))).to.include({ error: 'message_too_big' })
      await gone
    })

    it('maxAuthAttempts: disconnects after that many failures with too_many_attempts', async () => {
      await start({ maxAuthAttempts: 2 })
      const client = await connected(f.client())
      const gone = disconnectedWith(client)
      expect(await client.emitWithAck('hivegate:auth', 'x.y.z')).to.include({ ok: false })
      expect(client.connected).to.equal(true)
      expect(await client.emitWithAck('hivegate:auth', 'x.y.z')).to.include({ ok: false })
      expect((await gone).error).to.include({ error: 'too_many_attempts' })
    })

    it('maxIgnoredMessages: disconnects after that many withheld events with too_many_messages', async () => {
      await start({ maxIgnoredMessages: 3 })
      const client = await connected(f.client())
      const gone = disconnectedWith(client)
      for (let i = 0; i < 4; i++) client.emit('chat', i)
      expect((await gone).error).to.include({ error: 'too_many_messages' })
      expect(f.events).to.have.length(0)
    })

    it('many quarantined sockets: the bound holds, and the clock clears every one of them', async function () {
      this.timeout(30_000)
      await start({ maxQuarantined: 20 })
      const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => connected(f.client())))
      const admitted = outcomes.filter((o) => o.status === 'fulfilled')
      const busy = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[]
      expect(admitted).to.have.length(20)
      expect(busy.map((o) => o.reason.data.error)).to.deep.equal(Array(10).fill('server_busy'))
      expect(f.socketAuth.quarantined).to.equal(20)
      const gone = Promise.all(Array.from({ length: 20 }, () => f.nextDisconnect()))
      f.clock.advance(10_000)
      await gone
      expect(f.socketAuth.quarantined).to.equal(0)
      expect(f.clock.pending).to.equal(0)
    })
  })
})
