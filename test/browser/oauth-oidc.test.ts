// The OpenID Connect login in a real Chromium against oidc-provider: its login and consent screens,
// then the hivegate session cookie; a forged callback in the same browser sets nothing.
import { expect } from 'chai'
import express from 'express'
import { createServer, type Server } from 'node:http'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { createAuthenticator, isAuthError } from '@hivegate/core'
import { oidcLogin } from '@hivegate/oauth'
import { launchChromium, newWatchedPage } from '../helpers/browser.js'
import { secret } from '../helpers/keys.js'
import { close, listen } from '../helpers/listen.js'
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.js'

const ISSUER = 'https://app.test'
const KID = 'web-1'

describe('OpenID Connect login in Chromium', function () {
  this.timeout(20_000)
  let chromium: Browser
  let server: Server
  let base: string
  let provider: TestOidcProvider

  before(async function () {
    chromium = await launchChromium(this)
  })
  after(async () => {
    await chromium?.close()
  })

  beforeEach(async () => {
    const key = secret()
    const app = express()
    server = createServer(app)
    base = await listen(server)
    provider = await startOidcProvider({ redirectUris: [`${base}/auth/oidc/callback`], claims: { alice: { tenant: 'acme' } } })
    const login = oidcLogin({
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      redirectUri: `${base}/auth/oidc/callback`,
      scope: 'openid profile',
      allowHttpLocalhost: true,
      mapClaims: (idToken) => ({ sub: idToken.sub, tnd: String(idToken.tenant) }),
      session: { secret: key, kid: KID, issuer: ISSUER, ttl: '1h' },
    })
    const authenticator = createAuthenticator({ keys: { secrets: { [KID]: key } }, issuer: ISSUER })
    app.use(login.express())
    app.get('/favicon.ico', (_req, res) => void res.status(204).end())
    app.get('/home', (_req, res) => void res.type('html').send('<!doctype html><title>Home</title><h1>Home</h1>'))
    app.get('/api/me', async (req, res) => {
      try {
        const auth = await authenticator.authenticate({ headers: req.headers, url: req.originalUrl, method: req.method })
        res.json({ source: auth?.source, subject: auth?.subject, tenant: auth?.tenant })
      } catch (err) {
        if (!isAuthError(err)) throw err
        res.status(err.status).json(err.toJSON())
      }
    })
  })
  afterEach(async () => {
    await close(server)
    await provider.close()
  })

  /** Names of the app's cookies, any path (the provider's share the host: cookies ignore ports). */
  async function ours(context: BrowserContext): Promise<string[]> {
    return (await context.cookies()).map((c) => c.name).filter((name) => name.startsWith('hg_'))
  }

  /** The provider's screens as a person would use them: type a name, sign in, allow. */
  async function signInAtProvider(page: Page, account: string): Promise<void> {
    await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.startsWith('/interaction/'))
    await page.fill('input[name="login"]', account)
    await page.click('button')
    await page.waitForSelector('text=consent')
    await page.click('button')
  }

  it('signs in through the provider login and consent screens and ends with the HttpOnly session cookie', async () => {
    const { context, page, problems } = await newWatchedPage(chromium)
    try {
      await page.goto(`${base}/auth/oidc/login?returnTo=/home`)
      await signInAtProvider(page, 'alice')
      await page.waitForURL(`${base}/home`)
      const token = (await context.cookies(base)).find((c) => c.name === 'hg_token')!
      expect(token).to.include({ httpOnly: true, path: '/', sameSite: 'Lax' })
      expect(await ours(context)).to.deep.equal(['hg_token'])
      expect(await page.evaluate(() => document.cookie)).to.equal('')
      const me = await page.evaluate(async () => (await fetch('/api/me')).json())
      expect(me).to.deep.equal({ source: 'cookie', subject: 'alice', tenant: 'acme' })
      expect(problems).to.deep.equal({ errors: [], cspViolations: [] })
    } finally {
      await context.close()
    }
  })

  it('answers a forged callback (another state) with the error page and no cookie, and the real login still completes', async () => {
    const { context, page } = await newWatchedPage(chromium)
    try {
      await page.goto(`${base}/auth/oidc/login?returnTo=/home`)
      await page.waitForURL((url) => url.origin === provider.issuer)
      const loginScreen = page.url()
      const forged = new URL(`${base}/auth/oidc/callback`)
      forged.search = new URLSearchParams({ code: 'attacker-code', state: 'forged-state-0123456789abcdef', iss: provider.issuer }).toString()
      const response = await page.goto(forged.href)
      expect(response?.status()).to.equal(400)
      expect(response?.headers()['content-type']).to.match(/^text\/html/)
      expect(await page.textContent('code')).to.equal('state_mismatch')
      expect(await ours(context)).to.deep.equal(['hg_oidc_login'])

      // The forged callback did not use up the login of this browser.
      await page.goto(loginScreen)
      await signInAtProvider(page, 'alice')
      await page.waitForURL(`${base}/home`)
      expect(await ours(context)).to.deep.equal(['hg_token'])
    } finally {
      await context.close()
    }
  })
})
