import { expect } from 'chai'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { createManualClock } from '@hivegate/core'
import { WebSocketServer } from 'ws'
import { createUpgradeHandler, type WsAuth } from '@hivegate/ws'
import { close } from '../../../test/helpers/listen.js'
import { selfSignedCertificate, type TestCertificate } from '../../../test/helpers/tls.js'
import { connect, refusal } from '../../../test/helpers/ws-client.js'
import { startWs, tokenAt, verifierOptions, type Fixture } from './fixture.js'

describe('upgrade: the scheme in the origin check', () => {
  describe('over TLS (wss:)', () => {
    let certificate: TestCertificate
    let server: https.Server
    let wss: WebSocketServer
    let wsAuth: WsAuth
    let url: string
    let port: number
    let upgrades = 0
    const clock = createManualClock(Date.now())
    const cookie = async () => `hg_token=${await tokenAt(clock)}`

    before(async () => {
      certificate = selfSignedCertificate()
      server = https.createServer({ key: certificate.key, cert: certificate.cert }, (_req, res) => res.end('ok'))
      wss = new WebSocketServer({ noServer: true })
      wsAuth = createUpgradeHandler(wss, verifierOptions(clock))
      server.on('upgrade', (req, socket, head) => wsAuth.handleUpgrade(req, socket, head))
      wss.on('connection', () => upgrades++)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      port = (server.address() as AddressInfo).port
      url = `wss://127.0.0.1:${port}/`
    })
    after(async () => {
      wsAuth.close()
      await close(server)
    })

    it('trusts a cookie upgrade from the https: origin of the same host', async () => {
      const trusted = new Promise((resolve) => wss.once('connection', (_ws, _req, auth) => resolve(auth)))
      const client = await connect(url, { headers: { cookie: await cookie(), origin: `https://127.0.0.1:${port}` }, client: { ca: certificate.cert } })
      expect(JSON.parse(await client.next())[0].res).to.equal('suc')
      expect(await trusted).to.have.property('source', 'cookie')
      await client.close()
    })

    it('answers 403 to a cookie upgrade from the http: origin of the same host and port', async () => {
      const before = upgrades
      const answer = await refusal(url, { headers: { cookie: await cookie(), origin: `http://127.0.0.1:${port}` }, client: { ca: certificate.cert } })
      expect(answer.status).to.equal(403)
      expect(JSON.parse(answer.body).error).to.equal('origin_not_allowed')
      expect(answer.headers['cache-control']).to.equal('no-store')
      expect(upgrades).to.equal(before)
    })

    it('lets an http: origin authenticate with a Bearer header: only the cookie is checked', async () => {
      const client = await connect(url, { headers: { authorization: `Bearer ${await tokenAt(clock)}`, origin: `http://127.0.0.1:${port}` }, client: { ca: certificate.cert } })
      expect(JSON.parse(await client.next())[0].res).to.equal('suc')
      await client.close()
    })
  })

  describe('over plain TCP (ws:)', () => {
    let f: Fixture
    beforeEach(async () => (f = await startWs()))
    afterEach(() => f.stop())

    it('never reads X-Forwarded-Proto: any client can send it', async () => {
      const origin = f.url.replace(/^ws/, 'http').replace(/\/$/, '')
      const handed = f.nextConnection()
      const client = await connect(f.url, { headers: { cookie: `hg_token=${await f.token()}`, origin, 'x-forwarded-proto': 'https' } })
      expect((await handed).auth.source).to.equal('cookie')
      await client.close()
    })
  })
})
