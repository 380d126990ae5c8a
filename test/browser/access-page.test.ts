// The access management page in a real Chromium, in front of a real gateway: a static token made on
// the page works through the gateway, and revoking it on the page refuses it and closes its socket.
import { expect } from 'chai'
import { createServer, type Server } from 'node:http'
import type { Browser } from 'playwright-core'
import { createAccessAdmin, createAccessRegistry, createSqliteStore, type AccessAdmin, type AccessRegistry, type AccessStore } from '@hivegate/access'
import { createSigner } from '@hivegate/core'
import { createGateway, type Gateway } from '@hivegate/proxy'
import { launchChromium, newWatchedPage } from '../helpers/browser.js'
import { startEchoUpstream, type EchoUpstream } from '../helpers/gateway-kit.js'
import { close, listen } from '../helpers/listen.js'
import { connect, wsUrl } from '../helpers/ws-client.js'
import { tempDir } from '../../packages/access/test/fixture.js'

const ISSUER = 'browser.test'
const ADMIN_SECRET = 'browser-admin-secret-0123456789abcdefghijkl'

describe('access management page in Chromium', function () {
  this.timeout(30_000)
  const tmp = tempDir()
  let chromium: Browser
  let upstream: EchoUpstream
  let store: AccessStore
  let registry: AccessRegistry
  let gateway: Gateway
  let admin: AccessAdmin
  let url: string
  let evil: Server
  let evilUrl: string
  const adminToken = createSigner({ secret: ADMIN_SECRET, kid: 'admin', issuer: ISSUER }).sign({ sub: 'ops-alice', per: { hivegate: { 'access/*': 'CRUD' } } })

  before(async function () {
    chromium = await launchChromium(this)
    upstream = await startEchoUpstream()
    store = createSqliteStore(tmp.file('page.db'))
    registry = await createAccessRegistry({ store, operatorKey: 'A'.repeat(43), issuer: ISSUER })
    gateway = createGateway({
      target: upstream.url,
      auth: { issuer: ISSUER, keys: { secrets: { admin: ADMIN_SECRET }, ...registry.keys }, revocations: registry.revocations, isRevoked: registry.isRevoked },
      localHandler: (req, res, next) => admin.handle(req, res, next),
    })
    admin = createAccessAdmin({ registry, verifier: gateway.proxy.authenticator.verifier })
    url = (await gateway.listen(0)).origin
    // Another origin (same site: only the port differs) that tries to make the admin's browser act.
    evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<form id="f" method="post" action="${url}/hivegate/access/tokens">
<input name="name" value="planted"></form><script>document.getElementById('f').submit()</script>`)
    })
    evilUrl = await listen(evil)
  })
  after(async () => {
    await chromium?.close()
    await gateway?.close()
    await registry?.close()
    await store?.close()
    await upstream?.close()
    if (evil !== undefined) await close(evil)
    tmp.cleanup()
  })

  it('creates a static token on the page, uses it, revokes it: 401 and its WebSocket closed', async () => {
    const { context, page, problems } = await newWatchedPage(chromium)
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url })
      await page.goto(`${url}/hivegate/access/`)
      await page.fill('#token', adminToken)
      await page.click('button:has-text("Sign in")')
      await page.waitForSelector('text=Static tokens')
      const cookies = await context.cookies(`${url}/hivegate/access/`)
      expect(cookies.find((c) => c.name === 'hg_admin')).to.include({ httpOnly: true, sameSite: 'Strict', path: '/hivegate/access' })

      await page.click('button:has-text("Create a secret")')
      await page.waitForSelector('text=shown once')
      await page.click('text=Back to the list')

      await page.fill('#name', 'browser-ci')
      await page.fill('#sub', 'svc-browser')
      await page.fill('#per', '{"london": {"riders/*": "R"}}')
      await page.click('button:has-text("Create token")')
      await page.waitForSelector('text=shown once')
      const token = await page.inputValue('#value')
      await page.click('#copy')
      await page.waitForSelector('text=Copied.')
      expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(token)

      const ok = await fetch(`${url}/api/hello`, { headers: { Authorization: `Bearer ${token}` } })
      expect(ok.status).to.equal(200)
      expect(JSON.parse(await ok.text()).url).to.equal('/api/hello')
      const socket = await connect(wsUrl(url, '/ws'), { headers: { Authorization: `Bearer ${token}` } })
      socket.send('hi')
      expect(await socket.next()).to.match(/echo:hi|"aut"/)

      await page.click('text=Back to the list')
      await page.click('tr:has-text("browser-ci") >> text=Revoke…')
      await page.waitForSelector('text=cannot be undone')
      await page.click('button:has-text("Revoke token")')
      await page.waitForSelector('tr:has-text("browser-ci") >> text=revoked')

      const refused = await fetch(`${url}/api/hello`, { headers: { Authorization: `Bearer ${token}` } })
      expect(refused.status).to.equal(401)
      expect(refused.headers.get('www-authenticate')).to.contain('invalid_token')
      const closed = await socket.closed
      expect(closed.code).to.equal(4401)
      const page2 = await page.textContent('body')
      expect(page2).to.not.contain(token)
      expect(problems.cspViolations).to.deep.equal([])
      expect(problems.errors).to.deep.equal([])
    } finally {
      await context.close()
    }
  })

  it('ignores a form another origin makes the signed-in admin submit', async () => {
    const { context, page } = await newWatchedPage(chromium)
    try {
      await page.goto(`${url}/hivegate/access/`)
      await page.fill('#token', adminToken)
      await page.click('button:has-text("Sign in")')
      await page.waitForSelector('text=Static tokens')
      const answered = page.waitForResponse((res) => res.url() === `${url}/hivegate/access/tokens`)
      await page.goto(evilUrl)
      expect((await answered).status()).to.equal(403)
      expect((await registry.listTokens()).map((t) => t.name)).to.not.include('planted')
    } finally {
      await context.close()
    }
  })

  it('refuses a token without the admin permission at sign-in', async () => {
    const { context, page } = await newWatchedPage(chromium)
    try {
      const plain = createSigner({ secret: ADMIN_SECRET, kid: 'admin', issuer: ISSUER }).sign({ sub: 'bob', per: { london: { '*': 'R' } } })
      await page.goto(`${url}/hivegate/access/`)
      await page.fill('#token', plain)
      await page.click('button:has-text("Sign in")')
      await page.waitForSelector('text=no access-management permission')
      expect((await context.cookies(`${url}/hivegate/access/`)).map((c) => c.name)).to.not.include('hg_admin')
    } finally {
      await context.close()
    }
  })
})
