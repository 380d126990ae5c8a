// Black-box attacks on the OpenID Connect login against oidc-provider: issuer mix-up (RFC 9207),
// PKCE downgrade, and replayed or injected authorization codes.
import { expect } from 'chai'
import { Browser } from '../helpers/cookie-jar.js'
import { expectFailure, signInAtProvider as signIn, startOidcApp, type OidcApp } from '../helpers/oauth-kit.js'

type Setup = OidcApp

function setup(): Promise<Setup> {
  return startOidcApp({ callbackPath: '/auth/callback' })
}

async function authorizeUrl(browser: Browser, s: Setup): Promise<URL> {
  return new URL((await browser.fetch(`${s.base}/auth/login`)).headers.get('location')!)
}

describe('OpenID Connect login under attack', () => {
  let s: Setup
  beforeEach(async () => {
    s = await setup()
  })
  afterEach(() => s.close())

  describe('issuer mix-up (RFC 9207)', () => {
    it('the provider advertises the iss parameter and sends it', async () => {
      const metadata = (await (await fetch(`${s.provider.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>
      expect(metadata.authorization_response_iss_parameter_supported).to.equal(true)
      const browser = new Browser()
      const callback = await signIn(browser, (await authorizeUrl(browser, s)).href, s.base)
      expect(callback.searchParams.get('iss')).to.equal(s.provider.issuer)
    })

    for (const [name, change] of [
      ['without iss', (url: URL) => url.searchParams.delete('iss')],
      ['with another issuer', (url: URL) => url.searchParams.set('iss', 'https://evil.example')],
      ['with the issuer and a trailing slash', (url: URL) => url.searchParams.set('iss', `${s.provider.issuer}/`)],
    ] as const) {
      it(`refuses a callback ${name}, since the provider advertises support`, async () => {
        const browser = new Browser()
        const callback = await signIn(browser, (await authorizeUrl(browser, s)).href, s.base)
        change(callback)
        await expectFailure(await browser.fetch(callback), 400, 'authorization_error')
        expect(browser.jar.get('hg_token')).to.equal(undefined)
      })
    }
  })

  describe('PKCE downgrade', () => {
    for (const [name, change] of [
      ['without code_challenge', (url: URL) => (url.searchParams.delete('code_challenge'), url.searchParams.delete('code_challenge_method'))],
      ['with method plain', (url: URL) => url.searchParams.set('code_challenge_method', 'plain')],
      ['with the challenge of another verifier', (url: URL) => url.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')],
    ] as const) {
      it(`gets no session when the authorization request is sent ${name}`, async () => {
        const browser = new Browser()
        const authorize = await authorizeUrl(browser, s)
        change(authorize)
        const callback = await signIn(browser, authorize.href, s.base)
        const res = await browser.fetch(callback)
        expect(res.status).to.equal(400)
        expect(res.headers.getSetCookie()).to.deep.equal([])
        expect(['authorization_error', 'token_exchange_failed']).to.include(((await res.json()) as { error: string }).error)
      })
    }
  })

  describe('authorization codes', () => {
    it('refuses a used code replayed with a fresh login of the same browser', async () => {
      const browser = new Browser()
      const first = await signIn(browser, (await authorizeUrl(browser, s)).href, s.base)
      expect((await browser.fetch(first)).status).to.equal(303)
      const fresh = await authorizeUrl(browser, s)
      const replay = new URL(first)
      replay.searchParams.set('state', fresh.searchParams.get('state')!)
      await expectFailure(await browser.fetch(replay), 400, 'token_exchange_failed')
    })

    it('refuses a stolen, unused code injected into the attacker own login (PKCE binds it to the victim)', async () => {
      const victim = new Browser()
      const stolen = await signIn(victim, (await authorizeUrl(victim, s)).href, s.base)
      const attacker = new Browser()
      const own = await authorizeUrl(attacker, s)
      const injected = new URL(stolen)
      injected.searchParams.set('state', own.searchParams.get('state')!)
      await expectFailure(await attacker.fetch(injected), 400, 'token_exchange_failed')
      expect(attacker.jar.get('hg_token')).to.equal(undefined)
    })
  })
})
