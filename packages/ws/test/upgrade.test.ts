import { expect } from 'chai'
import http from 'node:http'
import { WebSocketServer } from 'ws'
import { attachAuth, createUpgradeHandler } from '@hivegate/ws'
import { createManualClock } from '@hivegate/core'
import { close, listen } from '../../../test/helpers/listen.js'
import { connect, refusal, wsUrl } from '../../../test/helpers/ws-client.js'
import { hivekitSuccess, startWs, verifierOptions, type Fixture } from './fixture.js'

describe('upgrade', () => {
  let f: Fixture
  afterEach(() => f?.stop())

  function origin(): string {
    return f.url.replace(/^ws/, 'http').replace(/\/$/, '')
  }

  describe('credentials at the upgrade', () => {
    beforeEach(async () => (f = await startWs()))

    it('trusts a valid Bearer header at once and sends the success reply on open', async () => {
      const token = await f.token()
      const handed = f.nextConnection()
      const client = await connect(f.url, { headers: { authorization: `Bearer ${token}` } })
      const { auth, req } = await handed
      expect(auth.subject).to.equal('johndoe')
      expect(auth.source).to.equal('bearer')
      expect(req.url).to.equal('/')
      const reply = await client.next()
      expect(reply).to.equal(hivekitSuccess({ sub: 'johndoe', tnd: 'tenant-1', exp: auth.claims.exp }))
      expect(reply).not.to.include(token)
      expect(f.wsAuth.quarantined).to.equal(0)
      await client.close()
    })

    it('trusts a valid cookie from the same origin', async () => {
      const handed = f.nextConnection()
      const client = await connect(f.url, { headers: { cookie: `hg_token=${await f.token()}`, origin: origin() } })
      expect((await handed).auth.source).to.equal('cookie')
      expect(JSON.parse(await client.next())[0].res).to.equal('suc')
      await client.close()
    })

    it('passes application messages of a trusted connection through', async () => {
      const client = await connect(f.url, { headers: { authorization: `Bearer ${await f.token()}` } })
      await client.next()
      const message = f.nextAppMessage()
      client.send('[{"typ":"obj","act":"upd"}]')
      expect(await message).to.equal('[{"typ":"obj","act":"upd"}]')
      await client.close()
    })

    it('answers 401 with WWW-Authenticate to an invalid token and never upgrades', async () => {
      const answer = await refusal(f.url, { headers: { authorization: 'Bearer not.a.token' } })
      expect(answer.status).to.equal(401)
      expect(answer.headers['www-authenticate']).to.match(/^Bearer .*error="invalid_token"/)
      expect(JSON.parse(answer.body).error).to.equal('invalid_token')
      expect(f.app).to.have.length(0)
    })

    it('answers 401 to an expired token', async () => {
      const token = await f.token({ exp: Math.floor(f.clock.now() / 1000) - 60 })
      const answer = await refusal(f.url, { headers: { authorization: `Bearer ${token}` } })
      expect(answer.status).to.equal(401)
      expect(JSON.parse(answer.body).error).to.equal('token_expired')
    })

    it('does not fall through to the Bearer header when the cookie is invalid', async () => {
      const token = await f.token()
      const answer = await refusal(f.url, {
        headers: { cookie: `hg_token=${token}x`, authorization: `Bearer ${token}`, origin: origin() },
      })
      expect(answer.status).to.equal(401)
    })

    it('answers 403 to a cookie-authenticated upgrade from a foreign origin', async () => {
      const answer = await refusal(f.url, { headers: { cookie: `hg_token=${await f.token()}`, origin: 'https://evil.example' } })
      expect(answer.status).to.equal(403)
      expect(JSON.parse(answer.body).error).to.equal('origin_not_allowed')
    })

    it('answers 403 to a cookie-authenticated upgrade without an Origin', async () => {
      const answer = await refusal(f.url, { headers: { cookie: `hg_token=${await f.token()}` } })
      expect(answer.status).to.equal(403)
    })
  })

  describe('allowedOrigins', () => {
    beforeEach(async () => (f = await startWs({ allowedOrigins: ['https://app.example'] })))

    it('lets a listed origin use the cookie and refuses the others', async () => {
      const token = await f.token()
      const client = await connect(f.url, { headers: { cookie: `hg_token=${token}`, origin: 'https://app.example' } })
      expect(JSON.parse(await client.next())[0].res).to.equal('suc')
      await client.close()
      const answer = await refusal(f.url, { headers: { cookie: `hg_token=${token}`, origin: origin() } })
      expect(answer.status).to.equal(403)
    })

    it('does not check the origin of a Bearer header, which a page cannot forge', async () => {
      const client = await connect(f.url, { headers: { authorization: `Bearer ${await f.token()}`, origin: 'https://evil.example' } })
      expect(JSON.parse(await client.next())[0].res).to.equal('suc')
      await client.close()
    })
  })

  describe('token in Sec-WebSocket-Protocol (opt-in)', () => {
    beforeEach(async () => (f = await startWs({ subprotocolTokenPrefix: 'bearer.' })))

    it('reads the token and answers the non-secret protocol', async () => {
      const handed = f.nextConnection()
      const client = await connect(f.url, { protocols: ['hivekit', `bearer.${await f.token()}`] })
      expect(client.ws.protocol).to.equal('hivekit')
      expect((await handed).auth.source).to.equal('subprotocol')
      expect(JSON.parse(await client.next())[0].res).to.equal('suc')
      await client.close()
    })

    it('never echoes the token protocol, even when it is offered first', async () => {
      const client = await connect(f.url, { protocols: [`bearer.${await f.token()}`, 'hivekit'] })
      expect(client.ws.protocol).to.equal('hivekit')
      await client.close()
    })

    it('refuses an invalid token protocol with 401', async () => {
      const answer = await refusal(f.url, { protocols: ['hivekit', 'bearer.x.y.z'] })
      expect(answer.status).to.equal(401)
    })

    it('refuses two token protocols as malformed', async () => {
      const token = await f.token()
      const answer = await refusal(f.url, { protocols: ['hivekit', `bearer.${token}`, `bearer.${token}x`] })
      expect(answer.status).to.equal(400)
    })
  })

  describe('without a token', () => {
    it('upgrades into quarantine: no connection event, counted as quarantined', async () => {
      f = await startWs()
      const client = await connect(f.url)
      expect(f.app).to.have.length(0)
      expect(f.wsAuth.quarantined).to.equal(1)
      await client.close()
    })

    it('keeps quarantined connections out of wss.clients, so broadcasts skip them', async () => {
      f = await startWs()
      const quarantined = await connect(f.url)
      const trusted = await connect(f.url, { headers: { authorization: `Bearer ${await f.token()}` } })
      await trusted.next()
      expect(f.wss.clients.size).to.equal(1)
      expect([...f.wss.clients][0]).to.equal(f.app[0]!.ws)
      await quarantined.close()
      await trusted.close()
    })

    it('answers 401 without WWW-Authenticate error when requireCredentialsAtUpgrade is set', async () => {
      f = await startWs({ requireCredentialsAtUpgrade: true })
      const answer = await refusal(f.url)
      expect(answer.status).to.equal(401)
      expect(answer.headers['www-authenticate']).to.equal('Bearer')
      expect(JSON.parse(answer.body).error).to.equal('credentials_required')
    })

    it('answers 503 before upgrading once maxQuarantined connections wait', async () => {
      f = await startWs({ maxQuarantined: 2 })
      const a = await connect(f.url)
      const b = await connect(f.url)
      const answer = await refusal(f.url)
      expect(answer.status).to.equal(503)
      expect(JSON.parse(answer.body).error).to.equal('server_busy')
      const trusted = await connect(f.url, { headers: { authorization: `Bearer ${await f.token()}` } })
      expect(JSON.parse(await trusted.next())[0].res).to.equal('suc')
      await Promise.all([a.close(), b.close(), trusted.close()])
    })

    it('frees the quarantine slot when ws refuses a bad handshake itself', async () => {
      f = await startWs({ maxQuarantined: 1 })
      const answer = await new Promise<number>((resolve, reject) => {
        const req = http.request(f.url.replace(/^ws/, 'http'), {
          headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'bad' },
        })
        req.on('response', (res) => resolve(res.statusCode ?? 0))
        req.on('error', reject)
        req.end()
      })
      expect(answer).to.equal(400)
      const client = await connect(f.url)
      expect(f.wsAuth.quarantined).to.equal(1)
      await client.close()
    })
  })

  describe('realm', () => {
    it('names the realm in the challenge', async () => {
      f = await startWs({ realm: 'hive' })
      const answer = await refusal(f.url, { headers: { authorization: 'Bearer bad' } })
      expect(answer.headers['www-authenticate']).to.match(/^Bearer realm="hive"/)
    })
  })
})

describe('createUpgradeHandler', () => {
  const clock = createManualClock()

  it('authenticates upgrades the server routes itself', async () => {
    const server = http.createServer()
    const wss = new WebSocketServer({ noServer: true })
    const wsAuth = createUpgradeHandler(wss, verifierOptions(clock))
    server.on('upgrade', (req, socket, head) => {
      if (req.url === '/live') wsAuth.handleUpgrade(req, socket, head)
      else socket.destroy()
    })
    const base = await listen(server)
    const client = await connect(wsUrl(base, '/live'))
    expect(wsAuth.quarantined).to.equal(1)
    await client.close()
    wsAuth.close()
    await close(server)
  })

  it('validates its options once, naming the option', () => {
    const wss = new WebSocketServer({ noServer: true })
    expect(() => createUpgradeHandler(wss, { ...verifierOptions(clock), maxAuthAttempts: 0 })).to.throw(RangeError, /"maxAuthAttempts"/)
    expect(() => createUpgradeHandler(wss, { ...verifierOptions(clock), quarantineTimeout: 1.5 })).to.throw(RangeError, /"quarantineTimeout"/)
    expect(() => createUpgradeHandler(wss, { ...verifierOptions(clock), maxMessageSize: -1 })).to.throw(RangeError, /"maxMessageSize"/)
    expect(() => createUpgradeHandler(wss, { ...verifierOptions(clock), maxIgnoredMessages: Infinity })).to.throw(RangeError, /"maxIgnoredMessages"/)
    expect(() => createUpgradeHandler(wss, { ...verifierOptions(clock), maxQuarantined: '9' as never })).to.throw(RangeError, /"maxQuarantined"/)
    expect(() => createUpgradeHandler(wss, { ...verifierOptions(clock), protocol: {} as never })).to.throw(TypeError, /"protocol"/)
    expect(() => createUpgradeHandler(wss, { ...verifierOptions(clock), subprotocolTokenPrefix: 'a b' })).to.throw(TypeError, /"subprotocolTokenPrefix"/)
    expect(() => createUpgradeHandler({} as never, verifierOptions(clock))).to.throw(TypeError, /"wss"/)
    wss.close()
  })

  it('refuses a WebSocketServer that upgrades on its own', async () => {
    const server = http.createServer()
    const wss = new WebSocketServer({ server })
    expect(() => createUpgradeHandler(wss, verifierOptions(clock))).to.throw(TypeError, /noServer/)
    await new Promise((resolve) => wss.close(resolve))
  })

  it('answers nothing after close() and closes what it held with 1001', async () => {
    const server = http.createServer()
    const wss = new WebSocketServer({ noServer: true })
    const wsAuth = attachAuth(server, wss, verifierOptions(clock))
    const base = await listen(server)
    const client = await connect(wsUrl(base))
    wsAuth.close()
    expect((await client.closed).code).to.equal(1001)
    expect(server.listenerCount('upgrade')).to.equal(0)
    await close(server)
  })
})
