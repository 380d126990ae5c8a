// The gateway served over TLS: the default origin rule compares the Origin's scheme too.
import { expect } from 'chai'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import request from 'supertest'
import { authProxy, type AuthProxy } from '@hivegate/proxy'
import { startEchoUpstream, startProxy, type EchoUpstream } from '../helpers/gateway-kit.js'
import { secret } from '../helpers/keys.js'
import { close } from '../helpers/listen.js'
import { selfSignedCertificate, type TestCertificate } from '../helpers/tls.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../helpers/tokens.js'
import { connect, refusal } from '../helpers/ws-client.js'

const key = secret()
const auth = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': key } } }

describe('gateway: the scheme in the origin check', () => {
  let upstream: EchoUpstream
  let cookie: string
  before(async () => {
    upstream = await startEchoUpstream()
    cookie = `hg_token=${await mint({ key })}`
  })
  after(() => upstream.close())

  describe('served over TLS', () => {
    let certificate: TestCertificate
    let proxy: AuthProxy
    let server: https.Server
    let base: string

    before(async () => {
      certificate = selfSignedCertificate()
      proxy = authProxy({ target: upstream.url, auth })
      server = https.createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => void proxy.middleware(req, res))
      server.on('upgrade', proxy.upgrade)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as AddressInfo
      base = `https://127.0.0.1:${port}`
    })
    after(async () => {
      await proxy.close()
      await close(server)
    })

    it('refuses a cookie POST from the http: origin of the same host and port, before the upstream', async () => {
      const seen = upstream.requests.length
      const res = await request(base).post('/api').ca(certificate.cert).set('Cookie', cookie).set('Origin', base.replace(/^https/, 'http'))
      expect(res.status).to.equal(403)
      expect(res.body.error).to.equal('origin_not_allowed')
      expect(res.headers['cache-control']).to.equal('no-store')
      expect(upstream.requests.length).to.equal(seen)
    })

    it('relays a cookie POST from its own https: origin', async () => {
      const res = await request(base).post('/api').ca(certificate.cert).set('Cookie', cookie).set('Origin', base)
      expect(res.status).to.equal(200)
      expect(res.body.url).to.equal('/api')
    })

    it('refuses a cookie upgrade from the http: origin with 403, and relays one from the https: origin', async () => {
      const wssUrl = `${base.replace(/^https/, 'wss')}/live`
      const client = { ca: certificate.cert }
      const answer = await refusal(wssUrl, { headers: { cookie, origin: base.replace(/^https/, 'http') }, client })
      expect(answer.status).to.equal(403)
      expect(JSON.parse(answer.body).error).to.equal('origin_not_allowed')
      const socket = await connect(wssUrl, { headers: { cookie, origin: base }, client })
      expect((JSON.parse(await socket.next()) as Array<{ res: string }>)[0]!.res).to.equal('suc')
      socket.send('ping')
      expect(await socket.next()).to.equal('echo:ping')
      await socket.close()
    })
  })

  describe('served over plain TCP', () => {
    it('never reads X-Forwarded-Proto: any client can send it', async () => {
      const gw = await startProxy({ target: upstream.url, auth })
      try {
        const res = await request(gw.url).post('/api').set('Cookie', cookie).set('Origin', gw.url).set('X-Forwarded-Proto', 'https')
        expect(res.status).to.equal(200)
      } finally {
        await gw.close()
      }
    })
  })
})
