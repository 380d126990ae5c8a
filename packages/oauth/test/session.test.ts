import { expect } from 'chai'
import { createManualClock, createVerifier } from '@hivegate/core'
import { randomBytes } from 'node:crypto'
import { createSessionIssuer } from '../src/session.js'

describe('createSessionIssuer', () => {
  const secret = randomBytes(32)
  const clock = createManualClock(Date.parse('2030-01-01T00:00:00Z'))
  const now = Math.floor(clock.now() / 1000)

  it('mints a token the verifier accepts, carried by an HttpOnly, Secure, SameSite=Lax cookie on /', async () => {
    const issuer = createSessionIssuer({ secret, kid: 'web', issuer: 'app', ttl: '1h' }, true, clock)
    const { token, cookie, expiresAt } = issuer.issue({ sub: 'u1', tnd: 't1' })
    expect(expiresAt).to.equal(now + 3600)
    expect(cookie).to.equal(`hg_token=${token}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax; Secure`)
    const verifier = createVerifier({ issuer: 'app', keys: { secrets: { web: secret } }, clock })
    const auth = await verifier.verify(token)
    expect(auth.claims).to.include({ sub: 'u1', tnd: 't1', exp: now + 3600 })
  })

  it('caps exp at notAfter and refuses when nothing is left', () => {
    const issuer = createSessionIssuer({ secret, ttl: '1h' }, false, clock)
    const { cookie, expiresAt } = issuer.issue({ sub: 'u1', tnd: 't1' }, now + 60)
    expect(expiresAt).to.equal(now + 60)
    expect(cookie).to.include('Max-Age=60').and.not.include('Secure')
    expect(() => issuer.issue({ sub: 'u1' }, now)).to.throw().with.property('code', 'session_expired')
  })

  it('clears the cookie it sets, under a custom name', () => {
    expect(createSessionIssuer({ secret, cookieName: 'sid' }, true, clock).clear()).to.match(/^sid=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax/)
  })

  it('validates its options, naming them', () => {
    expect(() => createSessionIssuer(undefined, true)).to.throw(TypeError, '"session"')
    expect(() => createSessionIssuer({ secret, ttl: 'soon' }, true)).to.throw(RangeError, '"session.ttl"')
    expect(() => createSessionIssuer({ secret, cookieName: 'a b' }, true)).to.throw(TypeError, '"session.cookieName"')
    expect(() => createSessionIssuer({ secret: 'short' }, true)).to.throw(RangeError, '"secret"')
  })
})
