import { expect } from 'chai'
// @ts-ignore -- the example is plain JavaScript
import { createOAuthExample } from '../../examples/oauth/index.js'
import { Browser } from '../helpers/cookie-jar.js'

interface Example {
  url: string
  issuer: string
  close(): Promise<void>
}

describe('examples/oauth', () => {
  let example: Example
  before(async () => {
    example = (await createOAuthExample()) as Example
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
    const start = await browser.fetch(`${example.url}/auth/hivemp/login?returnTo=/me`)
    const provider = await browser.fetch(start.headers.get('location')!)
    const back = new URL(provider.headers.get('location')!)
    const session = decodeURIComponent(/^#session=(.+)$/.exec(back.hash)![1]!)
    const page = await (await browser.fetch(back)).text()
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!
    const done = await browser.fetch(`${example.url}/auth/hivemp/callback`, { method: 'POST', body: new URLSearchParams({ csrf, session }), headers: { origin: example.url } })
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
    const toApp = (url: URL): boolean => url.origin === example.url
    const start = await browser.fetch(`${example.url}/auth/oidc/login?returnTo=/me`)
    let step = await browser.follow(start.headers.get('location')!, { until: toApp })
    for (let screen = 0; screen < 4 && !toApp(step.url); screen++) {
      const action = /action="([^"]+)"/.exec(await step.response.text())![1]!
      const posted = await browser.fetch(new URL(action, step.url), { method: 'POST', body: new URLSearchParams(action.endsWith('/login') ? { login: 'alice' } : {}) })
      step = await browser.follow(new URL(posted.headers.get('location')!, step.url), { until: toApp })
    }
    const done = await browser.fetch(step.url)
    expect(done.status).to.equal(303)
    const me = await browser.fetch(`${example.url}/me`)
    expect(await me.json()).to.deep.include({ subject: 'alice', tenant: 'acme' })
  })
})
