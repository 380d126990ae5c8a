// Black-box attacks on the HiveMP login: forged, stretched, oversized and malformed session data,
// login CSRF (a crafted `#session=`), cross-site logout, and a provider that stalls mid-answer.
import { expect } from 'chai'
import type { HivempLoginOptions } from '@hivegate/oauth'
import { Browser } from '../helpers/cookie-jar.js'
import { encodeSession, expectFailure, postCallback, reachCallbackPage, startHivempApp, tokenClaims as claimsOf, type HivempApp, type StandinOptions } from '../helpers/oauth-kit.js'

type Setup = HivempApp

function setup(login: Partial<HivempLoginOptions> = {}, standin: Partial<StandinOptions> = {}): Promise<Setup> {
  return startHivempApp({ login, standin })
}

/** /login → /oauth → the callback page: its URL, the CSRF value and the session the page would post. */
async function startLogin(browser: Browser, s: Setup): Promise<{ url: string; csrf: string; session: Record<string, unknown> }> {
  const { url, csrf, session } = await reachCallbackPage(browser, `${s.base}/auth/login`)
  return { url, csrf, session: { ...session } }
}

/** /login only: the login cookie set, the provider's redirect not followed. The per-login callback URL. */
async function startLoginOnly(browser: Browser, s: Setup): Promise<string> {
  const res = await browser.fetch(`${s.base}/auth/login`)
  expect(res.status).to.equal(303)
  return new URL(res.headers.get('location')!).searchParams.get('redirect_uri')!
}

function post(browser: Browser, url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return postCallback(browser, url, fields, headers)
}

function tokenClaims(browser: Browser): Record<string, number> {
  return claimsOf(browser.jar.get('hg_token')!.value) as Record<string, number>
}

describe('HiveMP login under attack', () => {
  let s: Setup
  afterEach(() => s.close())

  describe('session data', () => {
    beforeEach(async () => {
      s = await setup({}, { sessionTtl: 120 })
    })

    it('caps the token at the expiry the provider confirms, not the one the browser posts', async () => {
      const browser = new Browser()
      const { url, csrf, session } = await startLogin(browser, s)
      const stretched = { ...session, expiry: (session.expiry as number) + 10 * 365 * 86400 }
      expect((await post(browser, url, { csrf, session: encodeSession(stretched) })).status).to.equal(303)
      expect(tokenClaims(browser).exp).to.be.at.most(session.expiry as number)
    })

    it('treats an expiry in milliseconds as far away, still capped by the provider and ttl', async () => {
      const browser = new Browser()
      const { url, csrf, session } = await startLogin(browser, s)
      const inMs = { ...session, expiry: (session.expiry as number) * 1000 }
      expect((await post(browser, url, { csrf, session: encodeSession(inMs) })).status).to.equal(303)
      const claims = tokenClaims(browser)
      expect(claims.exp).to.be.at.most(session.expiry as number)
      expect(claims.exp! - claims.iat!).to.be.at.most(3600)
    })

    it('accepts the URL-safe base64 alphabet as well as the standard one', async () => {
      const browser = new Browser()
      const { url, csrf, session } = await startLogin(browser, s)
      const urlSafe = Buffer.from(JSON.stringify({ ...session, profile: { name: '???>>>~~~' } })).toString('base64url')
      expect(urlSafe).to.match(/[-_]/)
      expect((await post(browser, url, { csrf, session: urlSafe })).status).to.equal(303)
    })

    it('refuses data that is not base64, without calling the provider', async () => {
      const browser = new Browser()
      const { url, csrf, session } = await startLogin(browser, s)
      const good = encodeSession(session)
      for (const bad of ['!!!', `${good.slice(0, 10)}\n${good.slice(10)}`, `${good} `, `${good}===`, '=', `<script>${good}`]) {
        await expectFailure(await post(browser, url, { csrf, session: bad }), 400, 'session_data_invalid')
      }
      expect(s.standin.apiCalls).to.deep.equal([])
    })

    it('refuses a huge body before reading it, and oversized session data before decoding it', async () => {
      const browser = new Browser()
      const { url, csrf } = await startLogin(browser, s)
      await expectFailure(await post(browser, url, { csrf, session: 'A'.repeat(5_000_000) }), 413, 'payload_too_large')
      await expectFailure(await post(browser, url, { csrf, session: 'A'.repeat(9000) }), 413, 'payload_too_large')
      expect(s.standin.apiCalls).to.deep.equal([])
    })
  })

  it('answers deeply nested session data with a clear error or a login, never a crash', async () => {
    s = await setup({ maxBodySize: 4_000_000, maxSessionDataLength: 3_000_000 })
    const browser = new Browser()
    const { url, csrf, session } = await startLogin(browser, s)
    const depth = 200_000
    const json = JSON.stringify({ ...session, profile: null }).replace('"profile":null', `"profile":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)
    const res = await post(browser, url, { csrf, session: Buffer.from(json).toString('base64') })
    expect([303, 400]).to.include(res.status)
    const array = JSON.stringify({ ...session, profile: null }).replace('"profile":null', `"profile":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`)
    const fresh = await startLogin(browser, s)
    const again = await post(browser, fresh.url, { csrf: fresh.csrf, session: Buffer.from(array).toString('base64') })
    expect([303, 400]).to.include(again.status)
  })

  it('answers provider_timeout when the provider stalls in the middle of its answer', async () => {
    s = await setup({ providerTimeout: 300 })
    s.standin.behaviour.session = 'stall-body'
    const browser = new Browser()
    const { url, csrf, session } = await startLogin(browser, s)
    await expectFailure(await post(browser, url, { csrf, session: encodeSession(session) }), 504, 'provider_timeout')
  })

  describe('login CSRF and session fixation', () => {
    beforeEach(async () => {
      s = await setup()
    })

    it('refuses the attacker own callback URL and session in the victim browser, before any CSRF check', async () => {
      const attacker = new Browser()
      const victim = new Browser()
      const theirs = await startLogin(attacker, s)
      const mine = await startLogin(victim, s)
      expect(theirs.url).to.not.equal(mine.url)
      await expectFailure(await victim.fetch(theirs.url), 400, 'state_mismatch')
      await expectFailure(await post(victim, theirs.url, { csrf: theirs.csrf, session: encodeSession(theirs.session) }), 400, 'state_mismatch')
      await expectFailure(await post(victim, mine.url, { csrf: theirs.csrf, session: encodeSession(theirs.session) }), 403, 'csrf_mismatch')
      expect(victim.jar.get('hg_token')).to.equal(undefined)
      expect(s.standin.apiCalls).to.deep.equal([])
    })

    it('refuses a crafted #session= after another site started the victim login: no page on the fixed path, a guessed one or the attacker one', async () => {
      const victim = new Browser()
      const victimCallback = await startLoginOnly(victim, s)
      const { url: attackerCallback } = await startLogin(new Browser(), s)
      for (const url of [`${s.base}/auth/callback`, `${s.base}/auth/callback/${'A'.repeat(32)}`, attackerCallback]) {
        const res = await victim.fetch(url, { headers: { 'sec-fetch-site': 'cross-site' } })
        expect(res.status, url).to.equal(400)
        expect(await res.json()).to.include({ error: 'state_mismatch' })
      }
      // The victim's own login still completes: the refusals did not use it up.
      expect((await victim.fetch(victimCallback)).status).to.equal(200)
      expect(victim.jar.get('hg_token')).to.equal(undefined)
    })

    it('makes the per-login value single-use: the callback page and POST are refused once the login completed', async () => {
      const browser = new Browser()
      const { url, csrf, session } = await startLogin(browser, s)
      const cookie = browser.jar.header(url)!
      expect((await post(browser, url, { csrf, session: encodeSession(session) })).status).to.equal(303)
      await expectFailure(await fetch(url, { headers: { cookie } }), 400, 'login_state_replayed')
      await expectFailure(await post(new Browser(), url, { csrf, session: encodeSession(session) }, { cookie }), 400, 'login_state_replayed')
    })

    it('refuses a cross-site POST of the attacker session even with the victim login cookie', async () => {
      const victim = new Browser()
      const { url, csrf } = await startLogin(victim, s)
      const planted = encodeSession(s.standin.createSession({ accountId: 'attacker' }))
      await expectFailure(await post(victim, url, { csrf, session: planted }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }), 403, 'origin_not_allowed')
      await expectFailure(await post(new Browser(), url, { csrf, session: planted }, { origin: s.base }), 400, 'login_state_missing')
    })
  })

  describe('login CSRF with insecureFixedCallback (why the option says insecure)', () => {
    beforeEach(async () => {
      s = await setup({ insecureFixedCallback: true })
    })

    it('sends the fixed redirect URI, and lets a crafted #session= sign the victim in as the attacker', async () => {
      const victim = new Browser()
      expect(await startLoginOnly(victim, s)).to.equal(`${s.base}/auth/callback`)
      const planted = s.standin.createSession({ accountId: 'attacker' })
      const page = await victim.fetch(`${s.base}/auth/callback`, { headers: { 'sec-fetch-site': 'cross-site' } })
      const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!
      expect((await post(victim, `${s.base}/auth/callback`, { csrf, session: encodeSession(planted) })).status).to.equal(303)
      expect(tokenClaims(victim).sub).to.equal('attacker')
    })
  })

  describe('logout', () => {
    beforeEach(async () => {
      s = await setup()
    })

    it('clears the cookie for a link or form on the site itself, or a typed address', async () => {
      for (const [method, headers] of [
        ['GET', { 'sec-fetch-site': 'same-origin' }],
        ['GET', { 'sec-fetch-site': 'none' }],
        ['GET', {}],
        ['POST', { 'sec-fetch-site': 'same-origin', origin: s.base }],
        ['POST', { 'sec-fetch-site': 'same-site' }],
      ] as const) {
        const res = await fetch(`${s.base}/auth/logout`, { method, headers, redirect: 'manual' })
        expect(res.status, `${method} ${JSON.stringify(headers)}`).to.equal(303)
        expect(res.headers.getSetCookie()[0]).to.match(/^hg_token=; Path=\/; Max-Age=0;/)
      }
    })

    it('refuses a logout another site triggers (a link, image or form there), without touching the cookie', async () => {
      for (const [method, headers] of [
        ['GET', { 'sec-fetch-site': 'cross-site' }],
        ['POST', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }],
        ['POST', { origin: 'https://evil.example' }],
      ] as const) {
        await expectFailure(await fetch(`${s.base}/auth/logout`, { method, headers, redirect: 'manual' }), 403, 'origin_not_allowed')
      }
    })
  })
})
