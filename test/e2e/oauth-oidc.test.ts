import { expect } from 'chai'
import type { OidcLoginOptions } from '@hivegate/oauth'
import { Browser } from '../helpers/cookie-jar.js'
import { SESSION_ISSUER as ISSUER, expectFailure, signInAtProvider, startOidcApp, type Framework, type OidcApp } from '../helpers/oauth-kit.js'

type Setup = OidcApp

// Express mounts the login under a prefix; Koa mounts it at the root: both must route by the full path.
function setup(framework: Framework, login: Partial<OidcLoginOptions> = {}): Promise<Setup> {
  return startOidcApp({ framework, ...(framework === 'express' && { mountAt: '/auth/oidc' }), login })
}

async function startLogin(browser: Browser, setup: Setup, returnTo = '/me'): Promise<string> {
  const res = await browser.fetch(`${setup.base}/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`)
  expect(res.status).to.equal(303)
  return res.headers.get('location')!
}

for (const framework of ['express', 'koa'] as const) {
  describe(`OIDC login against oidc-provider (${framework})`, () => {
    let s: Setup
    beforeEach(async () => {
      s = await setup(framework)
    })
    afterEach(() => s.close())

    it('signs in through login and consent with PKCE, state and nonce, and the cookie authenticates /me', async () => {
      const browser = new Browser()
      const authorize = new URL(await startLogin(browser, s))
      expect(authorize.origin).to.equal(s.provider.issuer)
      expect(authorize.searchParams.get('code_challenge_method')).to.equal('S256')
      expect(authorize.searchParams.get('state')).to.have.length.greaterThan(20)
      expect(authorize.searchParams.get('nonce')).to.have.length.greaterThan(20)
      const stateCookie = browser.jar.get('hg_oidc_login')!
      expect(stateCookie.httpOnly).to.equal(true)
      expect(stateCookie.path).to.equal('/auth/oidc')
      expect(stateCookie.value).to.not.include(authorize.searchParams.get('state')!)

      const callback = await signInAtProvider(browser, authorize.href, s.base)
      expect(callback.pathname).to.equal('/auth/oidc/callback')
      const done = await browser.fetch(callback)
      expect(done.status).to.equal(303)
      expect(done.headers.get('location')).to.equal('/me')
      const session = browser.jar.get('hg_token')!
      expect(session).to.include({ httpOnly: true, path: '/', sameSite: 'Lax' })
      expect(browser.jar.get('hg_oidc_login')).to.equal(undefined)

      const me = await browser.fetch(`${s.base}/me`)
      expect(me.status).to.equal(200)
      const body = (await me.json()) as { source: string; claims: Record<string, unknown> }
      expect(body.source).to.equal('cookie')
      expect(body.claims).to.include({ sub: 'alice', tnd: 'acme', iss: ISSUER })
    })

    it('maps provider claims to tnd, per and dpv through the mapping hook', async () => {
      await s.close()
      s = await setup(framework, {
        tenant: undefined,
        mapClaims: (idToken) => ({
          sub: `idp|${idToken.sub}`,
          tnd: String(idToken.tenant),
          per: { london: { 'deliveryRides/*': (idToken.roles as string[]).includes('rider') ? 'R' : '' } },
          dpv: { london: [`deliveryRides/${idToken.sub}`] },
        }),
      })
      const browser = new Browser()
      const done = await browser.fetch(await signInAtProvider(browser, await startLogin(browser, s), s.base))
      expect(done.status).to.equal(303)
      const body = (await (await browser.fetch(`${s.base}/me`)).json()) as { claims: Record<string, unknown> }
      expect(body.claims).to.deep.include({
        sub: 'idp|alice',
        tnd: 'acme',
        per: { london: { 'deliveryRides/*': 'R' } },
        dpv: { london: ['deliveryRides/alice'] },
      })
    })

    it('refuses an account the mapping hook rejects, with no cookie', async () => {
      await s.close()
      s = await setup(framework, { mapClaims: () => null })
      const browser = new Browser()
      await expectFailure(await browser.fetch(await signInAtProvider(browser, await startLogin(browser, s), s.base)), 403, 'claims_rejected')
    })

    it('refuses a callback whose state does not match the login cookie', async () => {
      const browser = new Browser()
      const callback = await signInAtProvider(browser, await startLogin(browser, s), s.base)
      callback.searchParams.set('state', 'forged-state-value-forged-state-value')
      await expectFailure(await browser.fetch(callback), 400, 'state_mismatch')
      expect(browser.jar.get('hg_token')).to.equal(undefined)
    })

    it('refuses an ID token whose nonce is not the one of this login', async () => {
      const browser = new Browser()
      const authorize = new URL(await startLogin(browser, s))
      authorize.searchParams.set('nonce', 'a-nonce-the-attacker-chose-0123456789')
      const callback = await signInAtProvider(browser, authorize.href, s.base)
      await expectFailure(await browser.fetch(callback), 401, 'nonce_mismatch')
      expect(browser.jar.get('hg_token')).to.equal(undefined)
    })

    it('refuses a callback with no login cookie, and a replayed one', async () => {
      const browser = new Browser()
      const callback = await signInAtProvider(browser, await startLogin(browser, s), s.base)
      const stolen = browser.jar.header(callback)!
      await expectFailure(await fetch(callback, { redirect: 'manual' }), 400, 'login_state_missing')
      expect((await browser.fetch(callback)).status).to.equal(303)
      await expectFailure(await fetch(callback, { redirect: 'manual', headers: { cookie: stolen } }), 400, 'login_state_replayed')
    })

    it('refuses a tampered login cookie', async () => {
      const browser = new Browser()
      const callback = await signInAtProvider(browser, await startLogin(browser, s), s.base)
      const sealed = browser.jar.get('hg_oidc_login')!.value
      const flipped = sealed.slice(0, 20) + (sealed[20] === 'A' ? 'B' : 'A') + sealed.slice(21)
      await expectFailure(await fetch(callback, { redirect: 'manual', headers: { cookie: `hg_oidc_login=${flipped}` } }), 400, 'login_state_invalid')
    })

    it('answers a denied login with access_denied and no cookie', async () => {
      const browser = new Browser()
      const authorize = await startLogin(browser, s)
      const page = await browser.follow(authorize, { until: (u) => u.origin === s.base })
      const cancel = /href="([^"]+\/abort)"/.exec(await page.response.text())![1]!
      const back = await browser.follow(new URL(cancel, page.url), { until: (u) => u.origin === s.base })
      expect(back.url.searchParams.get('error')).to.equal('access_denied')
      await expectFailure(await browser.fetch(back.url), 403, 'access_denied')
      expect(browser.jar.get('hg_token')).to.equal(undefined)
    })

    it('answers provider_unavailable when the provider is down', async () => {
      await s.provider.close()
      const res = await fetch(`${s.base}/auth/oidc/login`, { redirect: 'manual' })
      await expectFailure(res, 502, 'provider_unavailable')
    })

    it('refuses a returnTo on another origin', async () => {
      for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
        const res = await fetch(`${s.base}/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' })
        await expectFailure(res, 400, 'invalid_return_to')
      }
    })

    it('clears the session cookie at logout', async () => {
      const res = await fetch(`${s.base}/auth/oidc/logout`, { method: 'POST', redirect: 'manual' })
      expect(res.status).to.equal(303)
      expect(res.headers.getSetCookie()[0]).to.match(/^hg_token=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax/)
    })
  })
}
