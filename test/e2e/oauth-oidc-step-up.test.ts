import { expect } from 'chai'
import { assertAuthentication, compileRequirement, createManualClock } from '@hivegate/core'
import type { OidcLoginOptions } from '@hivegate/oauth'
import { Browser } from '../helpers/cookie-jar.js'
import { expectFailure, signInAtProvider, startOidcApp, type OidcApp } from '../helpers/oauth-kit.js'

const PWD = 'urn:example:pwd'
const MFA = 'urn:example:mfa'

function setup(login: Partial<OidcLoginOptions>): Promise<OidcApp> {
  return startOidcApp({ framework: 'express', acrValues: [PWD, MFA], login })
}

async function startLogin(browser: Browser, s: OidcApp, query = ''): Promise<URL> {
  const res = await browser.fetch(`${s.base}/auth/oidc/login?returnTo=/me${query}`)
  expect(res.status, await res.clone().text()).to.equal(303)
  return new URL(res.headers.get('location')!)
}

describe('OIDC login step-up (acr_values, max_age) against oidc-provider', () => {
  let s: OidcApp | undefined
  afterEach(async () => {
    await s?.close()
    s = undefined
  })

  it('asks for acr_values and max_age, checks the ID token, and the session token passes requireAuthentication', async () => {
    s = await setup({ authentication: { acrValues: [MFA], maxAge: '5m' } })
    const browser = new Browser()
    const authorize = await startLogin(browser, s)
    expect(authorize.searchParams.get('acr_values')).to.equal(MFA)
    expect(authorize.searchParams.get('max_age')).to.equal('300')
    const done = await browser.fetch(await signInAtProvider(browser, authorize.href, s.base, 'alice', MFA))
    expect(done.status).to.equal(303)
    const me = (await (await browser.fetch(`${s.base}/me`)).json()) as { claims: Record<string, unknown> }
    expect(me.claims.acr).to.equal(MFA)
    expect(me.claims.auth_time).to.be.a('number')
    // What requireAuthentication on a resource checks, on the hivegate session token itself.
    const auth = { claims: me.claims } as never
    assertAuthentication(auth, compileRequirement({ acrValues: [MFA], maxAge: 300 }), Date.now())
  })

  it('refuses the login when the provider used another acr: authentication_insufficient, no session', async () => {
    s = await setup({ authentication: { acrValues: [MFA] } })
    const browser = new Browser()
    const authorize = await startLogin(browser, s)
    const done = await browser.fetch(await signInAtProvider(browser, authorize.href, s.base, 'alice', PWD))
    await expectFailure(done, 401, 'authentication_insufficient')
    expect(browser.jar.get('hg_token')).to.equal(undefined)
  })

  it('refuses an ID token without acr when acr_values was asked', async () => {
    s = await setup({ authentication: { acrValues: [MFA] } })
    const browser = new Browser()
    const authorize = await startLogin(browser, s)
    await expectFailure(await browser.fetch(await signInAtProvider(browser, authorize.href, s.base, 'alice')), 401, 'authentication_insufficient')
  })

  it('refuses an auth_time older than max_age before the login started (login clock two minutes ahead)', async () => {
    s = await setup({ authentication: { maxAge: 60 }, clock: createManualClock(Date.now() + 120_000) })
    const browser = new Browser()
    const authorize = await startLogin(browser, s)
    await expectFailure(await browser.fetch(await signInAtProvider(browser, authorize.href, s.base, 'alice', PWD)), 401, 'authentication_insufficient')
  })

  it('lets the login route narrow the request by query, never widen it', async () => {
    s = await setup({ authentication: { acrValues: [PWD, MFA], maxAge: '1h' } })
    const browser = new Browser()
    const narrowed = await startLogin(browser, s, `&acr_values=${encodeURIComponent(MFA)}&max_age=0`)
    expect(narrowed.searchParams.get('acr_values')).to.equal(MFA)
    expect(narrowed.searchParams.get('max_age')).to.equal('0')
    const done = await browser.fetch(await signInAtProvider(browser, narrowed.href, s.base, 'alice', MFA))
    expect(done.status).to.equal(303)
    for (const query of ['acr_values=urn:example:other', 'max_age=7200', 'max_age=-1', 'max_age=soon', 'acr_values=', `acr_values=${'a '.repeat(40)}`]) {
      await expectFailure(await new Browser().fetch(`${s.base}/auth/oidc/login?${query}`), 400, 'step_up_invalid')
    }
  })

  it('without the option, takes acr_values and max_age from the query alone', async () => {
    s = await setup({})
    const browser = new Browser()
    const plain = await startLogin(browser, s)
    expect(plain.searchParams.has('acr_values')).to.equal(false)
    const asked = await startLogin(new Browser(), s, `&acr_values=${encodeURIComponent(MFA)}`)
    expect(asked.searchParams.get('acr_values')).to.equal(MFA)
  })

  it('validates the option at construction and keeps acr_values/max_age out of authorizationParams', async () => {
    const { oidcLogin } = await import('@hivegate/oauth')
    const base = { issuer: 'https://idp.example', clientId: 'web', redirectUri: 'https://app.example/cb', tenant: 'acme', session: { secret: 'x'.repeat(32) } }
    expect(() => oidcLogin({ ...base, authentication: {} })).to.throw(TypeError, /"authentication"/)
    expect(() => oidcLogin({ ...base, authentication: { acrValues: ['a b'] } })).to.throw(TypeError, /"authentication.acrValues\[0\]"/)
    expect(() => oidcLogin({ ...base, authorizationParams: { max_age: '1' } })).to.throw(TypeError, /"authorizationParams.max_age"/)
  })
})
