import { expect } from 'chai'
import { createAuthenticator, createVerifier } from '@hivegate/core'
import { connect, eventually, type TestSocket } from '../../../test/helpers/ws-client.js'
import { hivekitFailure, hivekitSuccess, startWs, verifierOptions, type Fixture } from './fixture.js'

describe('session', () => {
  let f: Fixture
  afterEach(() => f?.stop())

  async function trusted(claims: Record<string, unknown> = {}): Promise<TestSocket> {
    const client = await connect(f.url)
    client.send(`Bearer ${await f.token(claims)}`)
    expect(JSON.parse(await client.next())[0].res).to.equal('suc')
    return client
  }

  describe('quarantine', () => {
    beforeEach(async () => (f = await startWs()))

    it('withholds every message until a valid auth message, then hands the connection over', async () => {
      const client = await connect(f.url)
      client.send('[{"typ":"obj","act":"upd","cid":"1"}]')
      client.send(Buffer.from([1, 2, 3]))
      const handed = f.nextConnection()
      const token = await f.token()
      client.send(`Bearer ${token}`)
      const { auth } = await handed
      expect(auth.source).to.equal('authMessage')
      expect(await client.next()).to.equal(hivekitSuccess({ sub: 'johndoe', tnd: 'tenant-1', exp: auth.claims.exp }))
      const message = f.nextAppMessage()
      client.send('after')
      expect(await message).to.equal('after')
      expect(f.app[0]!.messages).to.deep.equal(['after'])
      expect(f.wsAuth.quarantined).to.equal(0)
      await client.close()
    })

    it('delivers messages sent right behind the auth message, in order, after the promotion', async () => {
      const client = await connect(f.url)
      const token = await f.token()
      const first = f.nextAppMessage()
      const second = f.nextAppMessage()
      client.send(`Bearer ${token}`)
      client.send('m1')
      client.send('m2')
      expect([await first, await second]).to.deep.equal(['m1', 'm2'])
      expect(JSON.parse(await client.next())[0].res).to.equal('suc')
      await client.close()
    })

    it('answers a bad token with the error reply (no cid, no token) and stays open for a retry', async () => {
      const client = await connect(f.url)
      const bad = `${await f.token()}x`
      client.send(`Bearer ${bad}`)
      const reply = JSON.parse(await client.next())
      expect(reply).to.have.length(1)
      expect(Object.keys(reply[0])).to.deep.equal(['typ', 'act', 'res', 'err'])
      expect(reply[0]).to.include({ typ: 'sys', act: 'aut', res: 'err' })
      expect(reply[0].err).to.be.a('string').and.not.include(bad.slice(0, 20))
      expect(f.app).to.have.length(0)
      client.send(`Bearer ${await f.token()}`)
      expect(JSON.parse(await client.next())[0].res).to.equal('suc')
      expect(f.app).to.have.length(1)
      await client.close()
    })

    it('answers a malformed auth message with an error reply', async () => {
      const client = await connect(f.url)
      client.send('Bearer ')
      const reply = JSON.parse(await client.next())
      expect(reply[0]).to.include({ typ: 'sys', act: 'aut', res: 'err' })
      expect(reply[0]).not.to.have.property('cid')
      await client.close()
    })

    it('answers an expired token with its reason', async () => {
      const client = await connect(f.url)
      client.send(`Bearer ${await f.token({ exp: Math.floor(f.clock.now() / 1000) - 3600 })}`)
      expect(await client.next()).to.equal(hivekitFailure('The token has expired'))
      await client.close()
    })
  })

  describe('bounds', () => {
    it('closes with 4408 when no valid auth message arrives within quarantineTimeout', async () => {
      f = await startWs({ quarantineTimeout: 5000 })
      const client = await connect(f.url)
      f.clock.advance(4999)
      expect(f.wsAuth.quarantined).to.equal(1)
      f.clock.advance(1)
      expect(await client.closed).to.deep.equal({ code: 4408, reason: 'Authentication timed out' })
      await eventually(() => f.wsAuth.quarantined === 0)
    })

    it('defaults quarantineTimeout to 10 s', async () => {
      f = await startWs()
      const client = await connect(f.url)
      f.clock.advance(9999)
      client.send(`Bearer ${await f.token()}`)
      expect(JSON.parse(await client.next())[0].res).to.equal('suc')
      f.clock.advance(1)
      const other = await connect(f.url)
      f.clock.advance(10_000)
      expect((await other.closed).code).to.equal(4408)
      expect(client.ws.readyState).to.equal(client.ws.OPEN)
      await client.close()
    })

    it('closes with 4429 after maxAuthAttempts failed auth messages', async () => {
      f = await startWs({ maxAuthAttempts: 2 })
      const client = await connect(f.url)
      client.send('Bearer a.b.c')
      expect(JSON.parse(await client.next())[0].res).to.equal('err')
      client.send('Bearer a.b.c')
      expect(JSON.parse(await client.next())[0].res).to.equal('err')
      expect(await client.closed).to.deep.equal({ code: 4429, reason: 'Too many failed authentication attempts' })
    })

    it('closes with 4429 after more than maxIgnoredMessages other messages', async () => {
      f = await startWs({ maxIgnoredMessages: 3 })
      const client = await connect(f.url)
      client.send('one')
      client.send(Buffer.from('two'))
      client.send('three')
      client.send('four')
      expect(await client.closed).to.deep.equal({ code: 4429, reason: 'Too many messages before authentication' })
      expect(f.app).to.have.length(0)
    })

    it('closes with 1009 on a quarantined message over maxMessageSize, and lifts the bound once trusted', async () => {
      f = await startWs({ maxMessageSize: 1024 })
      const big = 'x'.repeat(2048)
      const quarantined = await connect(f.url)
      quarantined.send(big)
      expect((await quarantined.closed).code).to.equal(1009)
      const client = await trusted()
      const message = f.nextAppMessage()
      client.send(big)
      expect(await message).to.equal(big)
      await client.close()
    })

    it('checks the size of each message itself when compression hides it from the frame header', async () => {
      f = await startWs({ maxMessageSize: 1024 }, { perMessageDeflate: true })
      const client = await connect(f.url, { client: { perMessageDeflate: true } })
      client.send('y'.repeat(64 * 1024))
      expect((await client.closed).code).to.equal(1009)
    })

    it('defaults maxMessageSize to 16 KiB', async () => {
      f = await startWs()
      const client = await connect(f.url)
      client.send('z'.repeat(16 * 1024 + 1))
      expect((await client.closed).code).to.equal(1009)
    })
  })

  describe('trusted connections', () => {
    beforeEach(async () => (f = await startWs()))

    // Server-side checks: the client learns of a close only after a round trip.
    const open = (): boolean => f.app[0] !== undefined && f.wsAuth.authOf(f.app[0].ws) !== undefined

    it('closes with 4401 when the verifier stops accepting the token: exp + clockTolerance (default 5 s)', async () => {
      const exp = Math.floor(f.clock.now() / 1000) + 60
      const client = await trusted({ exp })
      expect(f.app[0]!.auth.validUntil).to.equal((exp + 5) * 1000)
      f.clock.set((exp + 5) * 1000 - 1)
      expect(open()).to.equal(true)
      f.clock.set((exp + 5) * 1000)
      expect(open()).to.equal(false)
      expect(await client.closed).to.deep.equal({ code: 4401, reason: 'The token has expired' })
      expect(f.wsAuth.connections()).to.have.length(0)
      expect(f.clock.pending).to.equal(0)
    })

    it('closes at exp exactly with clockTolerance 0', async () => {
      await f.stop()
      f = await startWs({ clockTolerance: 0 })
      const exp = Math.floor(f.clock.now() / 1000) + 60
      const client = await trusted({ exp })
      f.clock.set(exp * 1000 - 1)
      expect(open()).to.equal(true)
      f.clock.set(exp * 1000)
      expect((await client.closed).code).to.equal(4401)
    })

    it('trusts a token the verifier accepts within clockTolerance after its exp, until the tolerance ends', async () => {
      const exp = Math.floor(f.clock.now() / 1000) - 2
      const client = await trusted({ exp })
      expect(f.app).to.have.length(1)
      expect(open()).to.equal(true)
      f.clock.set((exp + 5) * 1000)
      expect((await client.closed).code).to.equal(4401)
    })

    it('closes when the token gets older than maxTokenAge (+ clockTolerance), long before exp', async () => {
      await f.stop()
      f = await startWs({ maxTokenAge: 60 })
      const iat = Math.floor(f.clock.now() / 1000)
      const client = await trusted({ iat, exp: iat + 3600 })
      // The verifier accepts while floor(now / 1000) <= iat + 60 + 5.
      f.clock.set((iat + 66) * 1000 - 1)
      expect(open()).to.equal(true)
      f.clock.set((iat + 66) * 1000)
      expect(open()).to.equal(false)
      expect(await client.closed).to.deep.equal({ code: 4401, reason: 'The token has expired' })
    })

    it("closes at the tolerance of a verifier passed in, not at the ws default's", async () => {
      await f.stop()
      f = await startWs((clock) => ({ verifier: createVerifier({ ...verifierOptions(clock), clockTolerance: 0 }) }))
      const exp = Math.floor(f.clock.now() / 1000) + 60
      const client = await trusted({ exp })
      f.clock.set(exp * 1000 - 1)
      expect(open()).to.equal(true)
      f.clock.set(exp * 1000)
      expect(open()).to.equal(false)
      expect((await client.closed).code).to.equal(4401)
    })

    it("closes at the tolerance of a ready authenticator's verifier", async () => {
      await f.stop()
      f = await startWs((clock) => ({
        authenticator: createAuthenticator({ ...verifierOptions(clock), clockTolerance: 30, optional: true }),
      }))
      const exp = Math.floor(f.clock.now() / 1000) + 60
      const client = await trusted({ exp })
      f.clock.set((exp + 30) * 1000 - 1)
      expect(open()).to.equal(true)
      f.clock.set((exp + 30) * 1000)
      expect(open()).to.equal(false)
      expect((await client.closed).code).to.equal(4401)
    })

    it('re-authenticates with a new token of the same subject and tenant, unseen by the app', async () => {
      const now = Math.floor(f.clock.now() / 1000)
      const client = await trusted({ exp: now + 60 })
      const ws = f.app[0]!.ws
      const fresh = await f.token({ exp: now + 600 })
      client.send(`Bearer ${fresh}`)
      const reply = JSON.parse(await client.next())
      expect(reply[0]).to.deep.include({ res: 'suc', dat: { sub: 'johndoe', tnd: 'tenant-1', exp: now + 600 } })
      expect(f.wsAuth.authOf(ws)?.expiresAt).to.equal((now + 600) * 1000)
      f.clock.advance(120_000)
      expect(client.ws.readyState).to.equal(client.ws.OPEN)
      const message = f.nextAppMessage()
      client.send('still here')
      expect(await message).to.equal('still here')
      expect(f.app[0]!.messages).to.deep.equal(['still here'])
      f.clock.advance(485_000)
      expect((await client.closed).code).to.equal(4401)
    })

    it('refuses and closes a re-authentication as another subject (4403)', async () => {
      const client = await trusted()
      client.send(`Bearer ${await f.token({ sub: 'mallory' })}`)
      expect(JSON.parse(await client.next())[0]).to.include({ res: 'err', err: 'Re-authentication must keep the same subject and tenant' })
      expect(await client.closed).to.deep.equal({ code: 4403, reason: 'Re-authentication must keep the same subject and tenant' })
    })

    it('refuses and closes a re-authentication in another tenant (4403)', async () => {
      const client = await trusted()
      client.send(`Bearer ${await f.token({ tnd: 'tenant-2' })}`)
      expect(JSON.parse(await client.next())[0].res).to.equal('err')
      expect((await client.closed).code).to.equal(4403)
    })

    it('closes on a failed re-authentication with the error close code', async () => {
      const client = await trusted()
      client.send('Bearer a.b.c')
      expect(JSON.parse(await client.next())[0].res).to.equal('err')
      expect((await client.closed).code).to.be.oneOf([4400, 4401])
      expect(f.app[0]!.messages).to.deep.equal([])
    })

    it('passes large and binary messages straight to the app', async () => {
      const client = await trusted()
      const message = f.nextAppMessage()
      client.send(Buffer.from('Bearer x'))
      expect(await message).to.equal('Bearer x')
      await client.close()
    })
  })
})
