// The OpenID Connect login in a real Chromium against oidc-provider: its login and consent screens,
// then the hivegate session cookie; a forged callback in the same browser sets nothing.
import { expect } from 'chai'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium, newWatchedPage } from '../helpers/browser.js'
import { passProviderScreens, startOidcApp, type OidcApp } from '../helpers/oauth-kit.js'

describe('OpenID Connect login in Chromium', function () {
  this.timeout(20_000)
  let chromium: Browser
  let app: OidcApp
  let base: string
  let provider: OidcApp['provider']

  before(async function () {
    chromium = await launchChromium(this)
  })
  after(async () => {
    await chromium?.close()
  })

  beforeEach(async () => {
    app = await startOidcApp({
      claims: { alice: { tenant: 'acme' } },
      login: { tenant: undefined, mapClaims: (idToken) => ({ sub: idToken.sub, tnd: String(idToken.tenant) }) },
      pages: { '/home': '<!doctype html><title>Home</title><h1>Home</h1>' },
    })
    ;({ base, provider } = app)
  })
  afterEach(() => app.close())

  /** Names of the app's cookies, any path (the provider's share the host: cookies ignore ports). */
  async function ours(context: BrowserContext): Promise<string[]> {
    return (await context.cookies()).map((c) => c.name).filter((name) => name.startsWith('hg_'))
  }

  const signInAtProvider = (page: Page, account: string): Promise<void> => passProviderScreens(page, provider.issuer, account)

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
      const me = await page.evaluate(async () => {
        const { source, subject, tenant } = (await (await fetch('/me')).json()) as Record<string, unknown>
        return { source, subject, tenant }
      })
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
