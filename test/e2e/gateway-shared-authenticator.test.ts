import { expect } from 'chai'
import express from 'express'
import request from 'supertest'
import { createAuthenticator, type Authenticator } from '@hivegate/core'
import { hivegate } from '@hivegate/express'
import { authProxy, createGateway } from '@hivegate/proxy'
import { startEchoUpstream, startProxy, type EchoUpstream, type RunningProxy } from '../helpers/gateway-kit.js'
import { secret } from '../helpers/keys.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../helpers/tokens.js'

const key = secret()
const auth = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': key } } }

describe('gateway with a ready authenticator', () => {
  let upstream: EchoUpstream
  let gw: RunningProxy
  let authenticator: Authenticator

  before(async () => {
    upstream = await startEchoUpstream()
  })
  after(() => upstream.close())
  beforeEach(async () => {
    authenticator = createAuthenticator({ ...auth, cookieName: 'sid' })
    gw = await startProxy({ target: upstream.url, authenticator, stripCredentials: true })
  })
  afterEach(() => gw.close())

  it('is shared with an Express app: one token passes both, and one revocation refuses it in both', async () => {
    const app = express().use(hivegate({ authenticator })).get('/me', (req, res) => res.json({ sub: req.auth?.subject }))
    const jti = 'shared-jti'
    const token = await mint({ key, claims: { jti } })
    expect((await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200)).body).to.deep.equal({ sub: 'johndoe' })
    const proxied = await request(gw.url).get('/api').set('Authorization', `Bearer ${token}`).expect(200)
    expect(proxied.body.headers['x-hivegate-sub']).to.equal('johndoe')
    expect(gw.proxy.authenticator).to.equal(authenticator)

    authenticator.verifier.revocations.revoke(jti)
    expect((await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(401)).body.error).to.equal('token_revoked')
    expect((await request(gw.url).get('/api').set('Authorization', `Bearer ${token}`).expect(401)).body.error).to.equal('token_revoked')
  })

  it("reads and strips the authenticator's own cookie, not the default one", async () => {
    const token = await mint({ key })
    const res = await request(gw.url).get('/api').set('Cookie', `sid=${token}; other=1`).expect(200)
    expect(res.body.headers['x-hivegate-sub']).to.equal('johndoe')
    expect(res.body.headers.cookie).to.equal('other=1')
  })

  it('refuses authenticator options beside it, naming the option', () => {
    const target = upstream.url
    expect(() => authProxy({ target, authenticator, auth })).to.throw(TypeError, /"auth" cannot be combined with "authenticator"/)
    const flat = { target, authenticator, clockTolerance: 30 } as Parameters<typeof authProxy>[0]
    expect(() => authProxy(flat)).to.throw(TypeError, /"clockTolerance" cannot be used with "authenticator"/)
    expect(() => createGateway({ target, authenticator, auth })).to.throw(TypeError, /"auth" cannot be combined with "authenticator"/)
    expect(() => authProxy({ target, authenticator: {} as never })).to.throw(TypeError, /"authenticator" must be an Authenticator/)
  })

  it('still needs "auth" when no authenticator is given', () => {
    expect(() => authProxy({ target: upstream.url })).to.throw(TypeError, /"auth" must be an object/)
  })
})
