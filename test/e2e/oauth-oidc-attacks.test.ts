// Black-box attacks on the OpenID Connect login against oidc-provider: issuer mix-up (RFC 9207),
// PKCE downgrade, and replayed or injected authorization codes.
import { expect } from 'chai'
import express from 'express'
import { createServer, type Server } from 'node:http'
import { oidcLogin } from '@hivegate/oauth'
import { Browser } from '../helpers/cookie-jar.js'
import { close, listen } from '../helpers/listen.js'
import { secret } from '../helpers/keys.js'
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.js'

interface Setup {
  base: string
  server: Server
  provider: TestOidcProvider
}

async function setup(): Promise<Setup> {
  const app = express()
  const server = createServer(app)
  const base = await listen(server)
  const provider = await startOidcProvider({ redirectUris: [`${base}/auth/callback`] })
  const login = oidcLogin({
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    redirectUri: `${base}/auth/callback`,
    allowHttpLocalhost: true,
    tenant: 'acme',
    session: { secret: secret(), kid: 'web' },
  })
  app.use(login.express())
  return { base, server, provider }
}

/** Login and consent at the provider; the callback URL it sends the browser to. */
async function signIn(browser: Browser, authorizeUrl: string, base: string): Promise<URL> {
  const toApp = (url: URL): boolean => url.origin === base
  let step = await browser.follow(authorizeUrl, { until: toApp })
  for (let screen = 0; screen < 4 && !toApp(step.url); screen++) {
    const action = /action="([^"]+)"/.exec(await step.response.text())![1]!
    const posted = await browser.fetch(new URL(action, step.url), { method: 'POST', body: new URLSearchParams(action.endsWith('/login') ? { login: 'alice' } : {}) })
    step = await browser.follow(new URL(posted.headers.get('location')!, step.url), { until: toApp })
  }
  return step.url
}

async function authorizeUrl(browser: Browser, s: Setup): Promise<URL> {
  return new URL((await browser.fetch(`${s.base}/auth/login`)).headers.get('location')!)
}

async function expectFailure(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).to.equal(status)
  expect(res.headers.getSetCookie()).to.deep.equal([])
  expect(await res.json()).to.include({ error: code })
}

describe('OpenID Connect login under attack', () => {
  let s: Setup
  beforeEach(async () => {
    s = await setup()
  })
  afterEach(async () => {
    await close(s.server)
    await s.provider.close()
  })

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
