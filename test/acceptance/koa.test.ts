// Drives examples/koa: the app factory with supertest, and `node examples/koa` as its README runs it.
import { expect } from 'chai'
import request from 'supertest'
import { createManualClock } from '@hivegate/core'
import { mint } from '../helpers/tokens.js'
import { runExample, type RunningExample } from '../helpers/run-example.js'

// The example is plain JavaScript without declarations.
interface Example {
  createApp(options?: { secret?: string; clock?: unknown }): any
  DEMO: { issuer: string; audience: string; kid: string; secret: string }
  demoToken(secret?: string): string
}

describe('examples/koa', () => {
  let createApp: Example['createApp']
  let DEMO: Example['DEMO']
  let demoToken: Example['demoToken']

  // Loaded in a hook: until the workspace link exists, this file fails alone, not the whole run.
  before(async () => {
    ;({ createApp, DEMO, demoToken } = (await import('@hivegate/example-koa' as string)) as Example)
  })

  const bearer = () => `Bearer ${demoToken()}`

  it('serves /health without credentials', async () => {
    const res = await request(createApp().callback()).get('/health')
    expect(res.status).to.equal(200)
  })

  it('answers /api/me for the cookie and for the Bearer header', async () => {
    const app = createApp().callback()
    const byCookie = await request(app).get('/api/me').set('Cookie', `hg_token=${demoToken()}`)
    expect(byCookie.body).to.deep.equal({ subject: 'johndoe', tenant: 'tenant-1', source: 'cookie' })
    const byHeader = await request(app).get('/api/me').set('Authorization', bearer())
    expect(byHeader.body.source).to.equal('bearer')
  })

  it('refuses a request without credentials with 401 and an RFC 6750 challenge', async () => {
    const res = await request(createApp().callback()).get('/api/me')
    expect(res.status).to.equal(401)
    expect(res.headers['www-authenticate']).to.equal('Bearer realm="hivegate-demo"')
    expect(res.body.error).to.equal('credentials_required')
  })

  it('guards objects by the token’s per and dpv claims', async () => {
    const app = createApp().callback()
    expect((await request(app).get('/api/realms/london/deliveryRiders/bob').set('Authorization', bearer())).status).to.equal(200)
    expect((await request(app).put('/api/realms/london/deliveryRides/johndoe-123').set('Authorization', bearer())).status).to.equal(200)
    const denied = await request(app).put('/api/realms/london/deliveryRides/other-456').set('Authorization', bearer())
    expect(denied.status).to.equal(403)
    expect(denied.body.error).to.equal('insufficient_permission')
    expect((await request(app).post('/api/providers/london/deliveryRides/johndoe-123').set('Authorization', bearer())).status).to.equal(200)
  })

  it('refuses a cross-site POST carried by the cookie, not one carried by Bearer', async () => {
    const app = createApp().callback()
    const path = '/api/providers/london/deliveryRides/johndoe-123'
    const cookie = await request(app).post(path).set('Origin', 'https://evil.example').set('Cookie', `hg_token=${demoToken()}`)
    expect(cookie.status).to.equal(403)
    expect(cookie.body.error).to.equal('origin_not_allowed')
    const header = await request(app).post(path).set('Origin', 'https://evil.example').set('Authorization', bearer())
    expect(header.status).to.equal(200)
  })

  it('refuses an expired token with 401 token_expired', async () => {
    const clock = createManualClock(Date.parse('2030-01-01T00:00:00Z'))
    const app = createApp({ clock }).callback()
    const token = await mint({
      key: Buffer.from(DEMO.secret),
      kid: DEMO.kid,
      now: clock.now() / 1000,
      claims: { iss: DEMO.issuer, aud: DEMO.audience },
    })
    expect((await request(app).get('/api/me').set('Authorization', `Bearer ${token}`)).status).to.equal(200)
    clock.advance(2 * 3600_000)
    const res = await request(app).get('/api/me').set('Authorization', `Bearer ${token}`)
    expect(res.status).to.equal(401)
    expect(res.body.error).to.equal('token_expired')
  })

  describe('node examples/koa', () => {
    let example: RunningExample
    before(async () => {
      example = await runExample('examples/koa')
    })
    after(async () => {
      await example?.stop()
    })

    it('prints a working token and curl lines for the cookie and the Bearer header', async () => {
      expect(example.output).to.include(`curl --cookie "hg_token=$TOKEN" ${example.base}/api/me`)
      expect(example.output).to.include(`curl -H "Authorization: Bearer $TOKEN"`)
      const me = await fetch(`${example.base}/api/me`, { headers: { cookie: `hg_token=${example.token}` } })
      expect(me.status).to.equal(200)
      expect(await me.json()).to.deep.equal({ subject: 'johndoe', tenant: 'tenant-1', source: 'cookie' })
      const refused = await fetch(`${example.base}/api/me`)
      expect(refused.status).to.equal(401)
    })
  })
})
