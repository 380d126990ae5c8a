// The HiveMP login in a real Chromium against the local stand-in: the callback page's script must
// run under its nonce CSP, drop the fragment, post it, and leave the browser with an HttpOnly cookie.
import { expect } from 'chai'
import type { Browser, BrowserContext } from 'playwright-core'
import { launchChromium, newWatchedPage } from '../helpers/browser.js'
import { HIVEMP_PROJECT as PROJECT, startHivempApp, type HivempApp } from '../helpers/oauth-kit.js'

// Characters whose base64 holds '+', '/' and '=': the page must post standard base64 unchanged.
const PROFILE = { displayName: 'Ünïcødé ~~~???>>>', tags: ['a?b>c'] }

describe('HiveMP login in Chromium', function () {
  this.timeout(20_000)
  let chromium: Browser
  let app: HivempApp
  let base: string
  let standin: HivempApp['standin']

  before(async function () {
    chromium = await launchChromium(this)
  })
  after(async () => {
    await chromium?.close()
  })

  beforeEach(async () => {
    app = await startHivempApp({ standin: { profile: PROFILE }, pages: { '/play': '<!doctype html><title>Play</title><h1>Play</h1>' } })
    ;({ base, standin } = app)
  })
  afterEach(() => app.close())

  it('signs in: provider redirect, callback page under its CSP, POST, cookie, authenticated fetch', async () => {
    const { context, page, problems } = await newWatchedPage(chromium)
    try {
      const documents: Array<{ url: string; status: number; headers: Record<string, string> }> = []
      page.on('response', (response) => {
        if (response.request().resourceType() === 'document') documents.push({ url: response.url(), status: response.status(), headers: response.headers() })
      })
      const replaced = page.waitForRequest((request) => request.method() === 'POST' && request.url().startsWith(`${base}/auth/callback/`))
      await page.goto(`${base}/auth/login?returnTo=${encodeURIComponent('/play?level=2')}`)
      const post = await replaced
      await page.waitForURL(`${base}/play?level=2`)
      expect(await page.textContent('h1')).to.equal('Play')

      // The provider answered with the fragment; the callback page was served with the strict headers.
      const callback = documents.find((d) => d.url.startsWith(`${base}/auth/callback/`) && d.status === 200)!
      expect(callback, 'the callback page was loaded').to.not.equal(undefined)
      expect(post.url(), 'the page posts to its own per-login path').to.equal(callback.url.split('#')[0])
      expect(callback.headers['cache-control']).to.equal('no-store')
      expect(callback.headers['referrer-policy']).to.equal('no-referrer')
      expect(callback.headers['content-security-policy']).to.match(/script-src 'nonce-[A-Za-z0-9+/=]+'/)
      expect(standin.requestLog.map((r) => r.url.split('?')[0])).to.deep.equal(['/oauth', '/api/v1/project/public', '/api/v1/session'])

      // The script ran (it posted), and the posted data is the provider's base64, '+' and '/' intact.
      const form = new URLSearchParams(post.postData() ?? '')
      const session = form.get('session')!
      expect(session).to.match(/[+/]/)
      expect(JSON.parse(Buffer.from(session, 'base64').toString('utf8'))).to.deep.include({ projectId: PROJECT.id, profile: PROFILE })
      expect(form.get('csrf')).to.have.length.greaterThan(20)
      expect(post.headers()['referer']).to.equal(undefined)

      // HttpOnly session cookie: in the jar, not in document.cookie; the page's fetch carries it.
      const cookies = await context.cookies(base)
      const token = cookies.find((c) => c.name === 'hg_token')!
      expect(token).to.include({ httpOnly: true, path: '/', sameSite: 'Lax', secure: false })
      expect(cookies.map((c) => c.name)).to.deep.equal(['hg_token'])
      expect(await page.evaluate(() => document.cookie)).to.equal('')
      const me = await page.evaluate(async () => {
        const res = await fetch('/me')
        const { source, subject, tenant } = (await res.json()) as Record<string, unknown>
        return { status: res.status, body: { source, subject, tenant } }
      })
      expect(me).to.deep.equal({ status: 200, body: { source: 'cookie', subject: 'account-1', tenant: PROJECT.id } })

      // Neither server ever saw the fragment, as a URL or a Referer.
      const seen = [...app.requests, ...standin.requestLog].flatMap((r) => [r.url, r.referer ?? ''])
      expect(seen.filter((text) => text.includes('session='))).to.deep.equal([])
      expect(app.requests.find((r) => r.method === 'POST')!.referer).to.equal(undefined)
      expect(problems).to.deep.equal({ errors: [], cspViolations: [] })
    } finally {
      await context.close()
    }
  })

  it('leaves no history entry holding the session: back returns to the page before the login', async () => {
    const { context, page, problems } = await newWatchedPage(chromium)
    try {
      await page.goto(`${base}/play?before=login`)
      await page.goto(`${base}/auth/login?returnTo=/play`)
      await page.waitForURL(`${base}/play`)
      // The page posts before it finishes loading, so the browser replaces its entry with the result.
      await page.goBack()
      expect(page.url()).to.equal(`${base}/play?before=login`)
      expect(await page.evaluate(() => history.length)).to.equal(3)
      expect(problems).to.deep.equal({ errors: [], cspViolations: [] })
    } finally {
      await context.close()
    }
  })

  // The login cookie as /login sets it, without following the provider's redirect; the callback URL it names.
  async function startLoginOnly(context: BrowserContext): Promise<string> {
    const res = await context.request.get(`${base}/auth/login`, { maxRedirects: 0 })
    expect(res.status()).to.equal(303)
    return new URL(res.headers()['location']!).searchParams.get('redirect_uri')!
  }

  for (const [what, fragment] of [
    ['holds no session', '#error=access_denied'],
    ['is not valid percent-encoding', '#session=%E0%A4%A'],
  ] as const) {
    it(`shows a message, without a script error, when the fragment ${what}`, async () => {
      const { context, page, problems } = await newWatchedPage(chromium)
      try {
        const callback = await startLoginOnly(context)
        await page.goto(`${callback}${fragment}`)
        await page.waitForFunction(() => document.getElementById('status')?.textContent !== 'Signing in…')
        expect(await page.textContent('#status')).to.equal('The login did not return a session.')
        expect(page.url()).to.equal(callback)
        expect(problems).to.deep.equal({ errors: [], cspViolations: [] })
      } finally {
        await context.close()
      }
    })
  }
})
