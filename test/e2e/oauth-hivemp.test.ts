import { expect } from 'chai'
import type { IncomingMessage } from 'node:http'
import { WebSocket, WebSocketServer } from 'ws'
import { createManualClock } from '@hivegate/core'
import type { HivempLoginOptions } from '@hivegate/oauth'
import { attachAuth } from '@hivegate/ws'
import { Browser } from '../helpers/cookie-jar.js'
import {
  HIVEMP_PROJECT as PROJECT,
  SESSION_ISSUER as ISSUER,
  SESSION_KID as KID,
  encodeSession,
  expectFailure,
  postCallback as postTo,
  reachCallbackPage as reachFrom,
  startHivempApp,
  tokenClaims,
  type Framework,
  type HivempApp,
  type HivempCallbackPage as CallbackPage,
} from '../helpers/oauth-kit.js'

interface Setup extends HivempApp {
  sessions: unknown[]
}

// Express mounts the login under a prefix; Koa mounts it at the root: both must route by the full path.
async function setup(framework: Framework, extra: Partial<HivempLoginOptions> = {}): Promise<Setup> {
  const sessions: unknown[] = []
  const app = await startHivempApp({
    framework,
    ...(framework === 'express' && { mountAt: '/auth' }),
    login: { requestedRole: 'player', showLegacyLoginLink: false, onSession: (event) => void sessions.push(event.session), ...extra },
  })
  return { ...app, sessions }
}

/** /login → the stand-in's /oauth → the callback page; what its script would post. */
function reachCallbackPage(browser: Browser, s: Setup, returnTo = '/me'): Promise<CallbackPage> {
  return reachFrom(browser, `${s.base}/auth/login?returnTo=${encodeURIComponent(returnTo)}`)
}

/** The callback page's own POST: to the per-login path the provider sent the browser to. */
function postCallback(browser: Browser, page: CallbackPage, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return postTo(browser, page.url, fields, headers)
}

for (const framework of ['express', 'koa'] as const) {
  describe(`HiveMP login against the local stand-in (${framework})`, () => {
    let s: Setup
    beforeEach(async () => {
      s = await setup(framework)
    })
    afterEach(() => s.close())

    it('redirects to the provider with client_id, redirect_uri, requested_role and show_legacy_login_link', async () => {
      const res = await new Browser().fetch(`${s.base}/auth/login`)
      const url = new URL(res.headers.get('location')!)
      expect(`${url.origin}${url.pathname}`).to.equal(s.standin.authorizeUrl)
      const { redirect_uri: redirectUri, ...rest } = Object.fromEntries(url.searchParams)
      expect(rest).to.deep.equal({ client_id: PROJECT.publicKey, requested_role: 'player', show_legacy_login_link: 'false' })
      expect(redirectUri).to.match(new RegExp(`^${s.base}/auth/callback/[A-Za-z0-9_-]{32}$`))
      expect(res.headers.getSetCookie()[0]).to.match(/^hg_hivemp_login=[\w-]+; Path=\/auth; Max-Age=600; HttpOnly; SameSite=Lax$/)
    })

    it('serves a callback page with a nonce CSP, no-store and no-referrer, then verifies and sets the session cookie', async () => {
      const browser = new Browser()
      const page = await reachCallbackPage(browser, s)
      expect(page.response.status).to.equal(200)
      expect(page.response.headers.get('cache-control')).to.equal('no-store')
      expect(page.response.headers.get('referrer-policy')).to.equal('no-referrer')
      const csp = page.response.headers.get('content-security-policy')!
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1]!
      const html = await page.response.text()
      expect(html).to.include(`<script nonce="${nonce}">`)
      expect(csp).to.include("default-src 'none'")
      expect(page.csrf).to.have.length.greaterThan(20)

      const done = await postCallback(browser, page, { csrf: page.csrf, session: page.sessionData })
      expect(done.status).to.equal(303)
      expect(done.headers.get('location')).to.equal('/me')
      expect(s.standin.apiCalls.map((c) => c.path)).to.deep.equal(['project', 'session'])
      const provided = page.session
      expect(s.standin.apiCalls.every((c) => c.apiKey === provided.apiKey)).to.equal(true)
      const cookie = browser.jar.get('hg_token')!
      expect(cookie).to.include({ httpOnly: true, path: '/', sameSite: 'Lax' })
      expect(browser.jar.get('hg_hivemp_login')).to.equal(undefined)
      expect(s.sessions).to.have.length(1)
      expect(s.sessions[0]).to.include({ id: provided.id, apiKey: provided.apiKey })

      const claims = tokenClaims(cookie.value)
      expect(claims).to.include({ sub: provided.accountId, sid: provided.id, tnd: PROJECT.id, role: 'player', iss: ISSUER })
      expect(claims.exp as number).to.be.at.most(provided.expiry)
      expect(JSON.stringify(claims)).to.not.include(provided.apiKey)

      const me = await browser.fetch(`${s.base}/me`)
      expect(me.status).to.equal(200)
      expect(await me.json()).to.deep.include({ source: 'cookie', token: cookie.value })
    })

    it('authenticates a WebSocket upgrade with the session cookie', async () => {
      const browser = new Browser()
      const page = await reachCallbackPage(browser, s)
      await postCallback(browser, page, { csrf: page.csrf, session: page.sessionData })
      const wss = new WebSocketServer({ noServer: true })
      const auth = attachAuth(s.server, wss, { keys: { secrets: { [KID]: s.key } }, issuer: ISSUER })
      wss.on('connection', (ws: WebSocket, _req: IncomingMessage, context?: { subject?: string }) => ws.send(JSON.stringify({ subject: context?.subject })))
      try {
        const ws = new WebSocket(`${s.base.replace('http', 'ws')}/live`, { origin: s.base, headers: { cookie: browser.jar.header(`${s.base}/live`)! } })
        const messages = await new Promise<unknown[]>((resolve, reject) => {
          const seen: unknown[] = []
          ws.on('message', (data) => {
            seen.push(JSON.parse(String(data)))
            if (seen.length === 2) resolve(seen)
          })
          ws.once('error', reject)
        })
        expect(messages[0]).to.have.nested.property('[0].res', 'suc')
        expect(messages[1]).to.deep.equal({ subject: 'account-1' })
        ws.close()
        await new Promise((resolve) => ws.once('close', resolve))
      } finally {
        auth.close()
        wss.close()
      }
    })

    it('refuses a POST whose CSRF value is not the one of this login', async () => {
      const browser = new Browser()
      const page = await reachCallbackPage(browser, s)
      await expectFailure(await postCallback(browser, page, { csrf: 'x'.repeat(32), session: page.sessionData }), 403, 'csrf_mismatch')
      expect(s.standin.apiCalls).to.deep.equal([])
    })

    it('refuses a POST without the login cookie', async () => {
      const page = await reachCallbackPage(new Browser(), s)
      await expectFailure(await postCallback(new Browser(), page, { csrf: page.csrf, session: page.sessionData }), 400, 'login_state_missing')
    })

    it('refuses the callback page and its POST on any path but the one this login was sent to', async () => {
      const browser = new Browser()
      const page = await reachCallbackPage(browser, s)
      for (const path of ['/auth/callback', `/auth/callback/${'A'.repeat(32)}`]) {
        const shown = await browser.fetch(`${s.base}${path}`)
        await expectFailure(shown, 400, 'state_mismatch')
        const fields = { csrf: page.csrf, session: page.sessionData }
        await expectFailure(await postTo(browser, `${s.base}${path}`, fields), 400, 'state_mismatch')
      }
      expect(s.standin.apiCalls).to.deep.equal([])
      expect((await postCallback(browser, page, { csrf: page.csrf, session: page.sessionData })).status).to.equal(303)
    })

    it('refuses the callback page without a login in progress', async () => {
      const res = await fetch(`${s.base}/auth/callback/${'A'.repeat(32)}`, { headers: { accept: 'text/html' } })
      expect(res.status).to.equal(400)
      expect(res.headers.getSetCookie()).to.deep.equal([])
      expect(await res.text()).to.include('login_state_missing')
    })
  })
}

describe('HiveMP login failures (express)', () => {
  let s: Setup
  let browser: Browser
  let page: CallbackPage
  const provided = (): Record<string, unknown> => ({ ...page.session })
  beforeEach(async () => {
    s = await setup('express', { providerTimeout: 200 })
    browser = new Browser()
    page = await reachCallbackPage(browser, s)
  })
  afterEach(() => s.close())

  const post = (session: string, headers: Record<string, string> = {}): Promise<Response> => postCallback(browser, page, { csrf: page.csrf, session }, headers)

  it('refuses a replayed POST', async () => {
    const cookie = browser.jar.header(page.url)!
    expect((await post(page.sessionData)).status).to.equal(303)
    await expectFailure(await postCallback(new Browser(), page, { csrf: page.csrf, session: page.sessionData }, { cookie }), 400, 'login_state_replayed')
  })

  it('refuses session data that is not base64 JSON of the documented shape', async () => {
    await expectFailure(await post('%%%'), 400, 'session_data_invalid')
    await expectFailure(await post(Buffer.from('not json').toString('base64')), 400, 'session_data_invalid')
    await expectFailure(await post(encodeSession([provided()])), 400, 'session_data_invalid')
  })

  for (const [name, change] of [
    ['an extra field', { role: 'admin' }],
    ['a numeric id', { id: 7 }],
    ['a string expiry', { expiry: '9999999999' }],
    ['no apiKey', { apiKey: undefined }],
  ] as const) {
    it(`refuses session data with ${name}`, async () => {
      await expectFailure(await post(encodeSession({ ...provided(), ...change })), 400, 'session_data_invalid')
      expect(s.standin.apiCalls).to.deep.equal([])
    })
  }

  it('refuses an expired provider session', async () => {
    await expectFailure(await post(encodeSession({ ...provided(), expiry: Math.floor(Date.now() / 1000) - 1 })), 400, 'session_expired')
  })

  it('refuses tampered session data: another session id', async () => {
    await expectFailure(await post(encodeSession({ ...provided(), id: 'someone-else' })), 401, 'session_mismatch')
  })

  it('refuses tampered session data: another account', async () => {
    await expectFailure(await post(encodeSession({ ...provided(), accountId: 'admin' })), 401, 'session_mismatch')
  })

  it('refuses tampered session data: an unknown key', async () => {
    await expectFailure(await post(encodeSession({ ...provided(), apiKey: 'guessed' })), 401, 'provider_rejected')
  })

  it('refuses a session of another project', async () => {
    await expectFailure(await post(encodeSession({ ...provided(), projectId: 'other' })), 401, 'project_mismatch')
  })

  it('refuses when /project/public names another project', async () => {
    s.standin.behaviour.project = 'wrong-id'
    await expectFailure(await post(page.sessionData), 401, 'project_mismatch')
  })

  it('refuses when /session returns another session', async () => {
    s.standin.behaviour.session = 'wrong-id'
    await expectFailure(await post(page.sessionData), 401, 'session_mismatch')
  })

  it('answers provider_error on a non-2xx answer and on bad JSON', async () => {
    s.standin.behaviour.project = 'error'
    await expectFailure(await post(page.sessionData), 502, 'provider_error')
    s.standin.behaviour.project = 'ok'
    s.standin.behaviour.session = 'bad-json'
    const fresh = await reachCallbackPage(browser, s)
    await expectFailure(await postCallback(browser, fresh, { csrf: fresh.csrf, session: fresh.sessionData }), 502, 'provider_error')
  })

  it('answers provider_timeout when the provider does not answer', async () => {
    s.standin.behaviour.session = 'hang'
    await expectFailure(await post(page.sessionData), 504, 'provider_timeout')
  })

  it('answers provider_unavailable when the provider is down', async () => {
    await s.standin.close()
    await expectFailure(await post(page.sessionData), 502, 'provider_unavailable')
  })

  it('refuses a body over maxBodySize', async () => {
    await expectFailure(await post('A'.repeat(20000)), 413, 'payload_too_large')
  })

  it('refuses a POST from another origin', async () => {
    await expectFailure(await post(page.sessionData, { origin: 'https://evil.example' }), 403, 'origin_not_allowed')
  })

  it('accepts the Origin: null that browsers send from the no-referrer callback page, when Fetch Metadata says same-origin', async () => {
    const res = await post(page.sessionData, { origin: 'null', 'sec-fetch-site': 'same-origin' })
    expect(res.status).to.equal(303)
    expect(browser.jar.get('hg_token')).to.not.equal(undefined)
  })

  for (const site of ['same-site', 'cross-site', 'none']) {
    it(`refuses a POST that Fetch Metadata marks ${site}, whatever its Origin`, async () => {
      await expectFailure(await post(page.sessionData, { origin: 'null', 'sec-fetch-site': site }), 403, 'origin_not_allowed')
      await expectFailure(await post(page.sessionData, { 'sec-fetch-site': site }), 403, 'origin_not_allowed')
      expect(s.standin.apiCalls).to.deep.equal([])
    })
  }

  it('refuses a POST from another port of the same host (same site, another origin)', async () => {
    const other = `http://127.0.0.1:${Number(new URL(s.base).port) === 1 ? 2 : 1}`
    await expectFailure(await post(page.sessionData, { origin: other }), 403, 'origin_not_allowed')
  })

  it('refuses a login older than loginTtl', async () => {
    await s.close()
    const clock = createManualClock()
    s = await setup('express', { clock, loginTtl: '10m' })
    page = await reachCallbackPage(browser, s)
    clock.advance(10 * 60_000)
    await expectFailure(await post(page.sessionData), 400, 'login_state_expired')
  })

  it('refuses session data over maxSessionDataLength', async () => {
    await s.close()
    s = await setup('express', { maxSessionDataLength: 64 })
    page = await reachCallbackPage(browser, s)
    await expectFailure(await post(page.sessionData), 413, 'payload_too_large')
    expect(s.standin.apiCalls).to.deep.equal([])
  })

  it('refuses a returnTo on another origin at /login, without a cookie', async () => {
    const res = await fetch(`${s.base}/auth/login?returnTo=${encodeURIComponent('//evil.example/')}`, { redirect: 'manual' })
    await expectFailure(res, 400, 'invalid_return_to')
  })

  it('refuses open-redirect returnTo values at /login and /logout', async () => {
    const tricks = ['//evil.example', '/\\evil.example', 'https:evil.example', '/\t/evil.example', '/x\n/y', 'javascript:alert(1)', '/.//evil.example', '/%2e//evil.example']
    for (const path of ['/auth/login', '/auth/logout']) {
      for (const trick of tricks) {
        const res = await fetch(`${s.base}${path}?returnTo=${encodeURIComponent(trick)}`, { redirect: 'manual' })
        expect(res.status, `${path} ${JSON.stringify(trick)}`).to.equal(400)
        await expectFailure(res, 400, 'invalid_return_to')
      }
    }
    // An encoded slash is an ordinary path on this origin.
    const res = await fetch(`${s.base}/auth/logout?returnTo=${encodeURIComponent('/%2F%2Fevil.example')}`, { redirect: 'manual' })
    expect(new URL(res.headers.get('location')!, s.base).origin).to.equal(s.base)
  })

  it('refuses an onSession hook failure without setting a cookie', async () => {
    await s.close()
    s = await setup('express', { onSession: () => Promise.reject(new Error('database down')) })
    page = await reachCallbackPage(browser, s)
    await expectFailure(await post(page.sessionData), 500, 'session_hook_failed')
  })
})
