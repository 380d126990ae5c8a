// One suite for every HTTP adapter's `requireAuthentication` (RFC 9470 step-up).
import { expect } from 'chai'
import request from 'supertest'
import type { AuthenticationRequirement } from '@hivegate/core'
import { expectRefusal, suiteFixture, SUITE_NOW, type SuiteFixture, type TestableApp } from './http-adapter-suite.js'

/**
 * Builds an app that mounts `GET /unguarded`: `requireAuthentication(requirement)` with no
 * `hivegate()` before it; then `hivegate(options)`; then `GET /step-up`:
 * `requireAuthentication(requirement)`. Guarded routes answer 200 `{ ok: true }`.
 */
export type StepUpAppFactory = (options: Record<string, unknown>, requirement: AuthenticationRequirement) => TestableApp

const MFA = 'urn:example:mfa'
const nowSeconds = Math.floor(SUITE_NOW / 1000)

function challengeOf(res: request.Response): string {
  return String(res.headers['www-authenticate'])
}

export function describeStepUp(name: string, createApp: StepUpAppFactory, requireAuthentication: (options: AuthenticationRequirement) => unknown): void {
  describe(`${name}: requireAuthentication() (RFC 9470 step-up)`, () => {
    let f: SuiteFixture
    beforeEach(() => {
      f = suiteFixture()
    })

    async function get(requirement: AuthenticationRequirement, claims: Record<string, unknown>, path = '/step-up'): Promise<request.Response> {
      return request(createApp(f.options(), requirement)).get(path).set('Authorization', `Bearer ${await f.token(claims)}`)
    }

    it('lets a token with an acceptable acr and a recent auth_time through', async () => {
      const res = await get({ acrValues: ['urn:example:pwd', MFA], maxAge: 300 }, { acr: MFA, auth_time: nowSeconds - 300 })
      expect(res.status).to.equal(200)
      expect(res.body).to.deep.equal({ ok: true })
    })

    it('refuses a token without acr: 401 insufficient_user_authentication with acr_values', async () => {
      const res = await get({ acrValues: [MFA, 'urn:example:hwk'] }, {})
      expectRefusal(res, 401, 'insufficient_user_authentication', 'insufficient_user_authentication')
      expect(challengeOf(res)).to.match(/error_description="[^"]+", acr_values="urn:example:mfa urn:example:hwk"$/)
      expect(challengeOf(res)).to.not.include('max_age')
    })

    it('refuses a token whose acr is not among acrValues', async () => {
      const res = await get({ acrValues: [MFA] }, { acr: 'urn:example:pwd' })
      expectRefusal(res, 401, 'insufficient_user_authentication', 'insufficient_user_authentication')
      expect(challengeOf(res)).to.include('acr_values="urn:example:mfa"')
    })

    it('refuses an auth_time older than maxAge on the verifier clock, with max_age', async () => {
      const requirement = { maxAge: '5m' }
      const claims = { auth_time: nowSeconds - 10 }
      const app = createApp(f.options(), requirement)
      const token = await f.token(claims)
      expect((await request(app).get('/step-up').set('Authorization', `Bearer ${token}`)).status).to.equal(200)
      f.clock.advance(291_000) // 301 s after auth_time: one second too old
      const res = await request(app).get('/step-up').set('Authorization', `Bearer ${token}`)
      expectRefusal(res, 401, 'insufficient_user_authentication', 'insufficient_user_authentication')
      expect(challengeOf(res)).to.match(/max_age="300"$/)
      expect(challengeOf(res)).to.not.include('acr_values')
    })

    it('refuses a token without auth_time when maxAge is asked (and a non-numeric one)', async () => {
      for (const claims of [{}, { auth_time: String(nowSeconds) }]) {
        const res = await get({ maxAge: 60, acrValues: [MFA] }, { ...claims, acr: MFA })
        expectRefusal(res, 401, 'insufficient_user_authentication', 'insufficient_user_authentication')
        expect(challengeOf(res)).to.include('acr_values="urn:example:mfa", max_age="60"')
      }
    })

    it('answers 401 credentials_required where hivegate() did not run', async () => {
      const res = await get({ maxAge: 60 }, { auth_time: nowSeconds }, '/unguarded')
      expect(res.status).to.equal(401)
      expect(res.body.error).to.equal('credentials_required')
      expect(challengeOf(res)).to.equal('Bearer')
    })

    it('validates its options at construction, naming the option', () => {
      expect(() => requireAuthentication({})).to.throw(TypeError, /"acrValues", "maxAge"/)
      expect(() => requireAuthentication({ acrValues: [] })).to.throw(TypeError, /"options.acrValues"/)
      expect(() => requireAuthentication({ acrValues: ['two words'] })).to.throw(TypeError, /"options.acrValues\[0\]"/)
      expect(() => requireAuthentication({ acrValues: ['a"b'] })).to.throw(TypeError, /"options.acrValues\[0\]"/)
      expect(() => requireAuthentication({ maxAge: -1 })).to.throw(RangeError, /"options.maxAge"/)
      expect(() => requireAuthentication({ maxAge: '5 minutes' })).to.throw(RangeError, /"options.maxAge"/)
      expect(() => requireAuthentication({ maxAge: 5, acr: 'x' } as never)).to.throw(TypeError, /unknown option "acr"/)
      expect(() => requireAuthentication(null as never)).to.throw(TypeError, /"options"/)
    })
  })
}
