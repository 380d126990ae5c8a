import { expect } from 'chai'
import request from 'supertest'
import { createManualClock } from '@hivegate/core'
import { startEchoUpstream, startProxy, rawExchange, rawStatus, type EchoUpstream, type RunningProxy } from '../helpers/gateway-kit.js'
import { secret } from '../helpers/keys.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../helpers/tokens.js'

const NOW = Date.parse('2030-01-01T00:00:00Z')
const nowSeconds = NOW / 1000

describe('gateway route rules: authentication (RFC 9470 step-up)', () => {
  const key = secret()
  const clock = createManualClock(NOW)
  let upstream: EchoUpstream
  let gw: RunningProxy

  before(async () => {
    upstream = await startEchoUpstream()
    gw = await startProxy({
      target: upstream.url,
      auth: { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': key } }, clock, realm: 'gw' },
      routes: [
        { path: '/payments/*', authentication: { acrValues: ['urn:example:mfa'], maxAge: '10m' } },
        { path: '/rides/:id', permission: ['london', 'deliveryRides/:id', 'U'], authentication: { maxAge: 60 } },
      ],
    })
  })
  after(async () => {
    await gw.close()
    await upstream.close()
  })

  const token = (claims: Record<string, unknown>) => mint({ key, now: Math.floor(clock.now() / 1000), claims })

  it('proxies a token whose acr and auth_time meet the rule', async () => {
    const res = await request(gw.url).get('/payments/1').set('Authorization', `Bearer ${await token({ acr: 'urn:example:mfa', auth_time: nowSeconds })}`)
    expect(res.status).to.equal(200)
    expect(res.body.url).to.equal('/payments/1')
  })

  it('refuses a weaker acr with 401 insufficient_user_authentication before the upstream', async () => {
    const before = upstream.requests.length
    const res = await request(gw.url).get('/payments/1').set('Authorization', `Bearer ${await token({ acr: 'urn:example:pwd', auth_time: nowSeconds })}`)
    expect(res.status).to.equal(401)
    expect(res.body.error).to.equal('insufficient_user_authentication')
    expect(res.headers['cache-control']).to.equal('no-store')
    expect(res.headers['www-authenticate']).to.match(
      /^Bearer realm="gw", error="insufficient_user_authentication", error_description="[^"]+", acr_values="urn:example:mfa", max_age="600"$/,
    )
    expect(upstream.requests.length).to.equal(before)
  })

  it('judges auth_time on the verifier clock, after the permission', async () => {
    const fresh = await token({ auth_time: Math.floor(clock.now() / 1000) })
    expect((await request(gw.url).put('/rides/johndoe-123').set('Authorization', `Bearer ${fresh}`)).status).to.equal(200)
    // A grant the token lacks is 403: logging in again would not help.
    expect((await request(gw.url).put('/rides/other').set('Authorization', `Bearer ${fresh}`)).status).to.equal(403)
    clock.advance(61_000)
    const res = await request(gw.url).put('/rides/johndoe-123').set('Authorization', `Bearer ${fresh}`)
    expect(res.status).to.equal(401)
    expect(res.headers['www-authenticate']).to.match(/max_age="60"$/)
  })

  it('refuses a WebSocket upgrade whose token falls short, before upgrading', async () => {
    const weak = await token({ acr: 'urn:example:pwd', auth_time: Math.floor(clock.now() / 1000) })
    const { host } = new URL(gw.url)
    const answer = await rawExchange(gw.url, [
      'GET /payments/live HTTP/1.1', `Host: ${host}`, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', `Authorization: Bearer ${weak}`, '', '',
    ].join('\r\n'))
    expect(rawStatus(answer)).to.equal(401)
    expect(answer).to.include('error="insufficient_user_authentication"')
  })

  it('validates the rule at construction, naming it', async () => {
    const { authProxy } = await import('@hivegate/proxy')
    const auth = { issuer: TEST_ISSUER, keys: { secrets: { 'kid-1': key } } }
    expect(() => authProxy({ target: upstream.url, auth, routes: [{ path: '/x', authentication: {} }] })).to.throw(TypeError, /"routes\[0\].authentication"/)
    expect(() => authProxy({ target: upstream.url, auth, routes: [{ path: '/x', authentication: { maxAge: 'soon' } }] })).to.throw(RangeError, /"routes\[0\].authentication.maxAge"/)
    expect(() => authProxy({ target: upstream.url, auth, routes: [{ path: '/x', public: true, authentication: { maxAge: 1 } }] })).to.throw(TypeError, /public/)
  })
})
