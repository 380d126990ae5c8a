// Login CSRF against the HiveMP login in a real Chromium: a page on another site opens the app's
// /login in a window of the victim's browser (setting the login cookie), then sends that window to
// the callback with a `#session=` of its own. The per-login callback path must stop it; the
// insecureFixedCallback option, which drops that path, must show why it is called insecure.
import { expect } from 'chai'
import { createServer, type Server } from 'node:http'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { Browser as NodeBrowser } from '../helpers/cookie-jar.js'
import { launchChromium, newWatchedPage } from '../helpers/browser.js'
import { close, listen } from '../helpers/listen.js'
import type { HivempLoginOptions } from '@hivegate/oauth'
import { encodeSession, reachCallbackPage, startHivempApp, tokenClaims, type HivempApp } from '../helpers/oauth-kit.js'

// The hostile page: a bait button opening the app's /login in a named window, and the script that
// later points that window at a crafted callback URL.
const ATTACKER_PAGE = `<!doctype html><title>Free coins</title>
<button id="bait">Claim your coins</button>
<script>
  document.getElementById('bait').onclick = function () { window.open(document.body.dataset.login, 'victim') };
  window.plant = function (url) { window.open(url, 'victim') };
</script>`

describe('HiveMP login CSRF in Chromium', function () {
  this.timeout(20_000)
  let chromium: Browser
  let attackerServer: Server
  let attackerSite: string
  let app: HivempApp

  before(async function () {
    chromium = await launchChromium(this)
    attackerServer = createServer((_req, res) => void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(ATTACKER_PAGE))
    // `localhost` is another site than the app's 127.0.0.1 (SameSite compares hosts, not ports).
    attackerSite = (await listen(attackerServer)).replace('127.0.0.1', 'localhost')
  })
  after(async () => {
    await chromium?.close()
    await close(attackerServer)
  })
  afterEach(() => app?.close())

  async function start(login: Partial<HivempLoginOptions> = {}): Promise<void> {
    app = await startHivempApp({ login })
  }

  /** The bait clicked: the victim's browser holds the app's login cookie; the window that holds it. */
  async function baitVictim(page: Page, context: BrowserContext): Promise<Page> {
    // The victim is not signed in to HiveMP: the window the bait opens stays on its sign-in page.
    app.standin.behaviour.authorize = 'sign-in'
    await page.goto(`${attackerSite}/`)
    await page.evaluate((login) => void (document.body.dataset.login = login), `${app.base}/auth/login`)
    const popup = page.waitForEvent('popup')
    await page.click('#bait')
    const victim = await popup
    await victim.waitForURL((url) => url.href.startsWith(app.standin.authorizeUrl))
    expect((await context.cookies()).map((c) => c.name)).to.deep.equal(['hg_hivemp_login'])
    return victim
  }

  /** The attacker's script sends the victim's window to `url`; resolves when that document has loaded. */
  async function plant(page: Page, victim: Page, url: string): Promise<void> {
    const loaded = victim.waitForNavigation({ url: (target) => target.href.startsWith(`${app.base}/auth/callback`) })
    await page.evaluate((target) => (globalThis as unknown as { plant(url: string): void }).plant(target), url)
    await loaded
  }

  async function me(context: BrowserContext): Promise<number> {
    return (await context.request.get(`${app.base}/me`)).status()
  }

  it('refuses a crafted #session= on the fixed callback path, a guessed one and the attacker own', async () => {
    await start()
    // The attacker's own, complete login in its own browser: a real callback URL and session data.
    const theirs = await reachCallbackPage(new NodeBrowser(), `${app.base}/auth/login`)
    app.standin.apiCalls.length = 0
    const planted = encodeSession(theirs.session)
    for (const callback of [`${app.base}/auth/callback`, `${app.base}/auth/callback/${'A'.repeat(32)}`, theirs.url]) {
      const { context, page, problems } = await newWatchedPage(chromium)
      try {
        const victim = await baitVictim(page, context)
        const answers: Array<{ url: string; status: number }> = []
        victim.on('response', (response) => void answers.push({ url: response.url(), status: response.status() }))
        await plant(page, victim, `${callback}#session=${planted}`)
        // The error page, not the callback page: no script ran, nothing was posted, no session.
        expect(await victim.textContent('code'), callback).to.equal('state_mismatch')
        expect(answers, callback).to.deep.equal([{ url: callback, status: 400 }])
        expect((await context.cookies()).map((c) => c.name)).to.deep.equal(['hg_hivemp_login'])
        expect(await me(context)).to.equal(401)
        expect(app.standin.apiCalls).to.deep.equal([])
        // The console shows the 400 of the error page itself, and nothing else.
        expect(problems.errors.filter((e) => !e.includes('400'))).to.deep.equal([])
        expect(problems.cspViolations).to.deep.equal([])
      } finally {
        await context.close()
      }
    }
  })

  it('still signs the victim in through their own callback after the attack was refused', async () => {
    await start()
    const { context, page } = await newWatchedPage(chromium)
    try {
      const victim = await baitVictim(page, context)
      await plant(page, victim, `${app.base}/auth/callback#session=${encodeSession(app.standin.createSession({ accountId: 'attacker' }))}`)
      // The victim signs in to HiveMP after all: the provider now sends the window back to this login's own path.
      app.standin.behaviour.authorize = 'redirect'
      await victim.goto(`${app.base}/auth/login`)
      await victim.waitForURL(`${app.base}/`)
      const token = (await context.cookies(app.base)).find((c) => c.name === 'hg_token')!
      expect(tokenClaims(token.value).sub).to.equal('account-1')
    } finally {
      await context.close()
    }
  })

  it('with insecureFixedCallback, the same attack signs the victim in as the attacker', async () => {
    await start({ insecureFixedCallback: true })
    const { context, page } = await newWatchedPage(chromium)
    try {
      const victim = await baitVictim(page, context)
      const planted = encodeSession(app.standin.createSession({ accountId: 'attacker' }))
      await plant(page, victim, `${app.base}/auth/callback#session=${planted}`)
      await victim.waitForURL(`${app.base}/`)
      const token = (await context.cookies(app.base)).find((c) => c.name === 'hg_token')!
      expect(tokenClaims(token.value).sub).to.equal('attacker')
      expect(await me(context)).to.equal(200)
    } finally {
      await context.close()
    }
  })
})
