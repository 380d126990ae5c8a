import { expect } from 'chai'
import express from 'express'
import { createServer, request as httpRequest, type Server } from 'node:http'
import request from 'supertest'
import { authProxy } from '@hivegate/proxy'
import { startEchoUpstream, startProxy, type EchoUpstream, type RunningProxy, type EchoedRequest } from '../helpers/gateway-kit.js'
import { secret } from '../helpers/keys.js'
import { close, listen } from '../helpers/listen.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../helpers/tokens.js'

const key = secret()
const auth = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': key } } }

function claimsHeader(seen: EchoedRequest): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(seen.headers['x-hivegate-claims']), 'base64url').toString('utf8'))
}

describe('gateway over HTTP', () => {
  let upstream: EchoUpstream
  let gw: RunningProxy
  let token: string

  before(async () => {
    upstream = await startEchoUpstream()
    token = await mint({ key })
  })
  after(() => upstream.close())
  afterEach(() => gw?.close())

  describe('sources and identity', () => {
    beforeEach(async () => {
      gw = await startProxy({ target: upstream.url, auth })
    })

    it('proxies a Bearer request with the identity headers', async () => {
      const res = await request(gw.url).get('/api/things?x=1').set('Authorization', `Bearer ${token}`).expect(200)
      expect(res.body.url).to.equal('/api/things?x=1')
      expect(res.body.headers['x-hivegate-sub']).to.equal('johndoe')
      expect(res.body.headers['x-hivegate-tenant']).to.equal('tenant-1')
      expect(claimsHeader(res.body)).to.include({ sub: 'johndoe', tnd: 'tenant-1', iss: TEST_ISSUER })
    })

    it('proxies a cookie request (default cookie hg_token)', async () => {
      const res = await request(gw.url).get('/api').set('Cookie', `other=1; hg_token=${token}`).expect(200)
      expect(res.body.headers['x-hivegate-sub']).to.equal('johndoe')
    })

    it('answers 401 without credentials and never contacts the upstream', async () => {
      const before = upstream.requests.length
      const res = await request(gw.url).get('/api').expect(401)
      expect(res.body).to.deep.equal({ error: 'credentials_required', error_description: 'Authentication is required' })
      expect(res.headers['www-authenticate']).to.equal('Bearer')
      expect(upstream.requests.length).to.equal(before)
    })

    it('refuses a cookie-authenticated POST from another origin (CSRF)', async () => {
      const res = await request(gw.url).post('/api').set('Cookie', `hg_token=${token}`).set('Origin', 'https://evil.example').expect(403)
      expect(res.body.error).to.equal('origin_not_allowed')
    })

    it('removes spoofed identity headers, every case variant and duplicate, before authenticating', async () => {
      const res = await new Promise<EchoedRequest>((resolve, reject) => {
        const req = httpRequest(`${gw.url}/api`, {
          // An array keeps duplicates and casing as sent (and needs its own Host).
          headers: [
            'Host', new URL(gw.url).host, 'Authorization', `Bearer ${token}`,
            'X-Hivegate-Sub', 'admin', 'x-hivegate-sub', 'root', 'X-HIVEGATE-TENANT', 'other',
            'x-hivegate-claims', 'e30', 'X-Hivegate-Anything', 'x',
          ],
        }, (r) => {
          let body = ''
          r.on('data', (c) => (body += c))
          r.on('end', () => resolve(JSON.parse(body)))
        })
        req.on('error', reject)
        req.end()
      })
      expect(res.headers['x-hivegate-sub']).to.equal('johndoe')
      expect(res.headers['x-hivegate-tenant']).to.equal('tenant-1')
      expect(res.headers['x-hivegate-anything']).to.equal(undefined)
      expect(res.rawHeaders.filter((h) => h.toLowerCase() === 'x-hivegate-sub')).to.have.length(1)
      expect(claimsHeader(res).sub).to.equal('johndoe')
    })
  })

  describe('options', () => {
    it('strips the credential: the auth cookie (keeping the others) and Authorization', async () => {
      gw = await startProxy({ target: upstream.url, auth, stripCredentials: true })
      const viaCookie = await request(gw.url).get('/api').set('Cookie', `a=1; hg_token=${token}; b=2`).expect(200)
      expect(viaCookie.body.headers.cookie).to.equal('a=1; b=2')
      const viaHeader = await request(gw.url).get('/api').set('Authorization', `Bearer ${token}`).set('Cookie', `hg_token=${token}`).expect(200)
      expect(viaHeader.body.headers.authorization).to.equal(undefined)
      expect(viaHeader.body.headers.cookie).to.equal(undefined)
    })

    it('reads the opt-in query source and strips the parameter before the upstream', async () => {
      gw = await startProxy({ target: upstream.url, auth: { ...auth, sources: ['cookie', 'bearer', 'query'] }, stripCredentials: { query: true } })
      const res = await request(gw.url).get(`/api?a=1&token=${token}&b=2`).expect(200)
      expect(res.body.url).to.equal('/api?a=1&b=2')
      expect(res.body.headers['x-hivegate-sub']).to.equal('johndoe')
    })

    it('keeps credentials by default', async () => {
      gw = await startProxy({ target: upstream.url, auth })
      const res = await request(gw.url).get('/api').set('Authorization', `Bearer ${token}`).expect(200)
      expect(res.body.headers.authorization).to.equal(`Bearer ${token}`)
    })

    it('uses configured identity header names and can switch one off', async () => {
      gw = await startProxy({ target: upstream.url, auth, identityHeaders: { subject: 'X-User', claims: false } })
      const res = await request(gw.url).get('/api').set('Authorization', `Bearer ${token}`).set('X-User', 'spoof').expect(200)
      expect(res.body.headers['x-user']).to.equal('johndoe')
      expect(res.body.headers['x-hivegate-claims']).to.equal(undefined)
      expect(res.body.headers['x-hivegate-tenant']).to.equal('tenant-1')
    })

    it('authenticates CORS preflights by default and passes them with preflight: "pass"', async () => {
      gw = await startProxy({ target: upstream.url, auth })
      const preflight = (url: string) => request(url).options('/api').set('Origin', 'https://app.example').set('Access-Control-Request-Method', 'PUT')
      await preflight(gw.url).expect(401)
      await gw.close()
      gw = await startProxy({ target: upstream.url, auth, preflight: 'pass' })
      const res = await preflight(gw.url).set('X-Hivegate-Sub', 'spoof').expect(200)
      expect(res.body.method).to.equal('OPTIONS')
      expect(res.body.headers['x-hivegate-sub']).to.equal(undefined)
      await request(gw.url).options('/api').expect(401)
    })

    it('passes further hpm options and on-handlers through', async () => {
      const seen: string[] = []
      gw = await startProxy({
        target: upstream.url,
        auth,
        proxy: { pathRewrite: { '^/v1': '' }, on: { proxyRes: (_res, req) => void seen.push(String(req.url)) } },
      })
      const res = await request(gw.url).get('/v1/things').set('Authorization', `Bearer ${token}`).expect(200)
      expect(res.body.url).to.equal('/things')
      expect(seen).to.deep.equal(['/things'])
    })

    it('validates options at construction, naming the option', () => {
      expect(() => authProxy({ target: 'ftp://x', auth })).to.throw(TypeError, '"target"')
      expect(() => authProxy({ target: upstream.url, auth, timeout: -1 })).to.throw(RangeError, '"timeout"')
      expect(() => authProxy({ target: upstream.url, auth, preflight: 'skip' as never })).to.throw(TypeError, '"preflight"')
      expect(() => authProxy({ target: upstream.url, auth, websocket: { maxPendingBytes: 0 } })).to.throw(RangeError, '"websocket.maxPendingBytes"')
      expect(() => authProxy({ target: upstream.url, auth, identityHeaders: { subject: 'bad header' } })).to.throw(TypeError, '"identityHeaders.subject"')
      expect(() => authProxy({ target: upstream.url, auth, routes: [{ path: '/a', permission: [':realm', '*', 'R'] }] })).to.throw(TypeError, ':realm')
    })
  })

  describe('route rules', () => {
    beforeEach(async () => {
      gw = await startProxy({
        target: upstream.url,
        auth,
        routes: [
          { path: '/public/*', public: true },
          { path: '/realms/:realm/riders/*', permission: [':realm', 'deliveryRiders/*', 'R'] },
          { path: '/realms/:realm/rides/:id', methods: ['PUT'], permission: [':realm', 'deliveryRides/:id', 'U'] },
          { path: '/provide/:realm/:id', dataProvider: [':realm', 'deliveryRides/:id'] },
        ],
      })
    })

    it('lets public routes through without a token, with spoofed headers still removed', async () => {
      const res = await request(gw.url).get('/public/info').set('X-Hivegate-Sub', 'admin').expect(200)
      expect(res.body.headers['x-hivegate-sub']).to.equal(undefined)
    })

    it('grants a permission from per, with the realm taken from the path', async () => {
      await request(gw.url).get('/realms/london/riders/7').set('Authorization', `Bearer ${token}`).expect(200)
      const res = await request(gw.url).get('/realms/paris/riders/7').set('Authorization', `Bearer ${token}`).expect(403)
      expect(res.body.error).to.equal('insufficient_permission')
    })

    it('substitutes params inside object patterns, per method', async () => {
      await request(gw.url).put('/realms/london/rides/johndoe-123').set('Authorization', `Bearer ${token}`).expect(200)
      await request(gw.url).put('/realms/london/rides/janedoe-9').set('Authorization', `Bearer ${token}`).expect(403)
      await request(gw.url).get('/realms/london/rides/janedoe-9').set('Authorization', `Bearer ${token}`).expect(200)
    })

    it('checks data-provider rights from dpv', async () => {
      await request(gw.url).get('/provide/london/johndoe-123').set('Authorization', `Bearer ${token}`).expect(200)
      await request(gw.url).get('/provide/london/other').set('Authorization', `Bearer ${token}`).expect(403)
    })

    it('matches case-insensitively, so a case variant does not dodge a rule', async () => {
      await request(gw.url).get('/REALMS/paris/Riders/7').set('Authorization', `Bearer ${token}`).expect(403)
    })

    it('refuses paths an upstream could read differently (dot segments, encoded slashes)', async () => {
      for (const path of ['/public/../realms/paris/riders/1', '/public/%2e%2e/admin', '/realms/london%2Fx/riders/1', '//admin']) {
        const res = await request(gw.url).get(path).set('Authorization', `Bearer ${token}`)
        expect(res.status, path).to.equal(400)
        expect(res.body.error).to.equal('invalid_request')
      }
    })
  })

  describe('upstream failures', () => {
    it('answers 502 with a JSON body when the upstream is down', async () => {
      const dead = createServer()
      const deadUrl = await listen(dead)
      await close(dead)
      gw = await startProxy({ target: deadUrl, auth })
      const res = await request(gw.url).get('/api').set('Authorization', `Bearer ${token}`).expect(502)
      expect(res.body).to.deep.equal({ error: 'bad_gateway', error_description: 'The upstream server is unavailable' })
    })

    it('answers 504 when the upstream is slower than timeout', async () => {
      gw = await startProxy({ target: upstream.url, auth, timeout: 50 })
      const res = await request(gw.url).get('/slow/1').set('Authorization', `Bearer ${token}`).expect(504)
      expect(res.body.error).to.equal('gateway_timeout')
    })
  })

  describe('hosts', () => {
    let server: Server | undefined
    afterEach(async () => {
      if (server) await close(server)
      server = undefined
    })

    it('works as Express middleware, passing through to later handlers on nothing', async () => {
      const proxy = authProxy({ target: upstream.url, auth })
      const app = express()
      app.use('/api', proxy.middleware)
      server = createServer(app)
      const url = await listen(server)
      const res = await request(url).get('/api/x').set('Authorization', `Bearer ${token}`).expect(200)
      expect(res.body.url).to.equal('/x')
      await request(url).get('/api/x').expect(401)
      await proxy.close()
    })
  })
})
