import { expect } from 'chai'
import request from 'supertest'
import { adminToken, startAdmin, tempDir, type AdminServer } from './fixture.js'

describe('access admin page', () => {
  const tmp = tempDir()
  let s: AdminServer
  let cookie: string
  let origin: string
  let csrf: string

  before(async () => {
    s = await startAdmin(tmp.file('page.db'))
    origin = s.url
    const login = await request(s.url).post('/hivegate/access/login').set('Origin', origin).type('form').send({ token: adminToken(undefined, s.clock) }).expect(303)
    const setCookie = login.headers['set-cookie'] as unknown as string[]
    expect(setCookie[0]).to.match(/^hg_admin=.+; Path=\/hivegate\/access; HttpOnly; SameSite=Strict; Max-Age=3600$/)
    cookie = setCookie[0]!.split(';')[0]!
    const page = await request(s.url).get('/hivegate/access/').set('Cookie', cookie).expect(200)
    csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!
    await s.registry.createSecret({}, 'setup')
  })
  after(async () => {
    await s.close()
    tmp.cleanup()
  })

  const post = (path: string, fields: Record<string, string>) =>
    request(s.url).post(`/hivegate/access${path}`).set('Cookie', cookie).set('Origin', origin).type('form').send(fields)

  it('shows the login form without credentials, and no-store, CSP and frame headers', async () => {
    const res = await request(s.url).get('/hivegate/access/').expect(200)
    expect(res.text).to.contain('name="token"')
    expect(res.headers['cache-control']).to.equal('no-store')
    expect(res.headers['content-security-policy']).to.contain("default-src 'none'")
    expect(res.headers['x-frame-options']).to.equal('DENY')
  })

  it('refuses a login from another origin', async () => {
    await request(s.url).post('/hivegate/access/login').set('Origin', 'https://evil.example').type('form').send({ token: adminToken(undefined, s.clock) }).expect(403)
  })

  it('refuses a same-origin form without the login CSRF value, and writes nothing', async () => {
    const version = s.registry.version
    await post('/tokens', { name: 'no-csrf' }).expect(403)
    await post('/tokens', { name: 'bad-csrf', csrf: csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }).expect(403)
    expect(s.registry.version).to.equal(version)
  })

  it('escapes what users typed', async () => {
    const created = await post('/tokens', { name: '<img src=x onerror=alert(1)>', per: '', csrf }).expect(201)
    expect(created.text).to.contain('shown <strong>once</strong>')
    const page = await request(s.url).get('/hivegate/access/').set('Cookie', cookie).expect(200)
    expect(page.text).to.contain('&lt;img src=x onerror=alert(1)&gt;')
    expect(page.text).to.not.contain('<img src=x')
  })

  it('shows a refused change with its reason and nothing changed', async () => {
    const res = await post('/tokens', { name: 'x', per: '{"london": "R"}', csrf }).expect(400)
    expect(res.text).to.contain('Nothing was changed')
    expect(res.text).to.contain('&quot;per&quot;')
  })

  it('asks before revoking, then revokes', async () => {
    const { record } = await s.registry.createToken({ name: 'to-revoke' }, 'setup')
    const confirm = await request(s.url).get(`/hivegate/access/tokens/${record.id}/revoke`).set('Cookie', cookie).expect(200)
    expect(confirm.text).to.contain('cannot be undone')
    expect((await s.registry.getToken(record.id)).revokedAt).to.equal(undefined)
    await post(`/tokens/${record.id}/revoke`, { csrf }).expect(303)
    expect((await s.registry.getToken(record.id)).revokedBy).to.equal('alice')
  })

  it('signs out by clearing its cookie, and sends a refused cookie back to the login', async () => {
    const out = await post('/logout', { csrf }).expect(303)
    expect((out.headers['set-cookie'] as unknown as string[])[0]).to.match(/^hg_admin=; .*Max-Age=0/)
    const stale = await request(s.url).get('/hivegate/access/').set('Cookie', 'hg_admin=a.b.c').expect(401)
    expect(stale.text).to.contain('name="token"')
  })
})
