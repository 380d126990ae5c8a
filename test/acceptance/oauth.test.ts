import { expect } from 'chai'
import { createOAuthExample, type OAuthExample as Example } from '../../examples/oauth/index.js'
import { Browser } from '../helpers/cookie-jar.js'
import { postCallback, reachCallbackPage, signInAtProvider } from '../helpers/oauth-kit.js'

describe('examples/oauth', () => {
  let example: Example
  before(async () => {
    example = await createOAuthExample()
  })
  after(() => example.close())

  it('serves a home page linking both logins', async () => {
    const res = await fetch(`${example.url}/`)
    const html = await res.text()
    expect(html).to.include('/auth/hivemp/login').and.include('/auth/oidc/login')
  })

  it('refuses /me without a session', async () => {
    const res = await fetch(`${example.url}/me`)
    expect(res.status).to.equal(401)
    expect(await res.json()).to.include({ error: 'credentials_required' })
  })

  it('signs in with HiveMP: stand-in redirect, callback page, POST, then /me by cookie', async () => {
    const browser = new Browser()
    const { url, csrf, sessionData: session } = await reachCallbackPage(browser, `${example.url}/auth/hivemp/login?returnTo=/me`)
    expect(url).to.match(new RegExp(`^${example.url}/auth/hivemp/callback/[\\w-]{32}$`))
    const done = await postCallback(browser, url, { csrf, session })
    expect(done.status).to.equal(303)
    expect(done.headers.get('location')).to.equal('/me')
    const me = await browser.fetch(`${example.url}/me`)
    expect(await me.json()).to.deep.include({ subject: 'account-1', tenant: 'example-project' })

    const out = await browser.fetch(`${example.url}/auth/hivemp/logout`, { method: 'POST' })
    expect(out.status).to.equal(303)
    expect((await browser.fetch(`${example.url}/me`)).status).to.equal(401)
  })

  it('signs in with OpenID Connect through the login and consent screens, then /me by cookie', async () => {
    const browser = new Browser()
    const start = await browser.fetch(`${example.url}/auth/oidc/login?returnTo=/me`)
    const callback = await signInAtProvider(browser, start.headers.get('location')!, example.url)
    const done = await browser.fetch(callback)
    expect(done.status).to.equal(303)
    const me = await browser.fetch(`${example.url}/me`)
    expect(await me.json()).to.deep.include({ subject: 'alice', tenant: 'acme' })
  })
})
