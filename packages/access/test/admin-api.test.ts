import { expect } from 'chai'
import request from 'supertest'
import { adminToken, startAdmin, tempDir, type AdminServer } from './fixture.js'

describe('access admin API', () => {
  const tmp = tempDir()
  let s: AdminServer
  let bearer: string

  before(async () => {
    s = await startAdmin(tmp.file('api.db'))
    bearer = `Bearer ${adminToken(undefined, s.clock)}`
  })
  after(async () => {
    await s.close()
    tmp.cleanup()
  })

  const api = (path: string) => `/hivegate/access/api${path}`

  it('creates a secret and a static token, shows each value once, and lists them without it', async () => {
    const secret = await request(s.url).post(api('/secrets')).set('Authorization', bearer).send({ kid: 'main' }).expect(201)
    expect(secret.body.secret).to.include({ kid: 'main', alg: 'HS256', status: 'active' })
    expect(secret.body.value).to.match(/^[A-Za-z0-9_-]{43}$/)
    const created = await request(s.url).post(api('/tokens')).set('Authorization', bearer)
      .send({ name: 'ci', sub: 'svc-ci', per: { london: { 'riders/*': 'R' } } }).expect(201)
    expect(created.headers['cache-control']).to.equal('no-store')
    const { token, value } = created.body
    expect(token).to.include({ name: 'ci', sub: 'svc-ci', kid: 'main', createdBy: 'alice' })
    expect((await s.verifier.verify(value)).claims.jti).to.equal(token.id)

    const list = await request(s.url).get(api('/tokens')).set('Authorization', bearer).expect(200)
    expect(list.body.tokens.map((t: { id: string }) => t.id)).to.deep.equal([token.id])
    const secrets = await request(s.url).get(api('/secrets')).set('Authorization', bearer).expect(200)
    const shown = await request(s.url).get(api(`/tokens/${token.id}`)).set('Authorization', bearer).expect(200)
    const audit = await request(s.url).get(api('/audit?limit=10')).set('Authorization', bearer).expect(200)
    for (const body of [list.text, secrets.text, shown.text, audit.text]) {
      expect(body).to.not.contain(value)
      expect(body).to.not.contain(secret.body.value)
    }
  })

  it('revokes a token: refused at once with token_revoked', async () => {
    const { body } = await request(s.url).post(api('/tokens')).set('Authorization', bearer).send({ name: 'leak' }).expect(201)
    await s.verifier.verify(body.value)
    const revoked = await request(s.url).post(api(`/tokens/${body.token.id}/revoke`)).set('Authorization', bearer).send({}).expect(200)
    expect(revoked.body.token.revokedBy).to.equal('alice')
    const err = await s.verifier.verify(body.value).catch((e: { code: string }) => e)
    expect((err as { code: string }).code).to.equal('token_revoked')
    await request(s.url).post(api(`/tokens/${body.token.id}/revoke`)).set('Authorization', bearer).send({}).expect(400)
  })

  it('rotates and retires secrets', async () => {
    const rotated = await request(s.url).post(api('/secrets/rotate')).set('Authorization', bearer).send({ kid: 'next' }).expect(201)
    expect(rotated.body.secret.kid).to.equal('next')
    const retired = await request(s.url).post(api('/secrets/main/retire')).set('Authorization', bearer).send({}).expect(200)
    expect(retired.body.secret.status).to.equal('retired')
    const list = await request(s.url).get(api('/secrets')).set('Authorization', bearer).expect(200)
    expect(list.body.secrets.map((x: { kid: string; status: string }) => `${x.kid}:${x.status}`)).to.deep.equal(['main:retired', 'next:active'])
  })

  it('answers bad input with 400 naming the field, and writes nothing', async () => {
    const before = s.registry.version
    const cases: Array<[string, unknown, string]> = [
      ['/tokens', { name: 'ci' }, 'name'],
      ['/tokens', { name: 'x', per: { london: 'R' } }, 'per'],
      ['/tokens', { name: 'x', per: '{' }, 'per'],
      ['/tokens', { name: 'x'.repeat(500) }, 'name'],
      ['/tokens', { name: 1 }, 'name'],
      ['/tokens', { name: 'x', admin: true }, 'admin'],
      ['/tokens', ['x'], 'a token'],
      ['/secrets', { kid: 'next' }, 'kid'],
      ['/secrets', { kid: 'a b' }, 'kid'],
      ['/secrets/nope/retire', {}, 'kid'],
      ['/tokens/1234/revoke', {}, 'id'],
    ]
    for (const [path, body, field] of cases) {
      const res = await request(s.url).post(api(path)).set('Authorization', bearer).send(body as object)
      expect([res.status, res.body.error, res.body.field], `${path} ${JSON.stringify(body).slice(0, 60)}`).to.deep.equal([400, 'invalid_input', field])
      expect(res.body.error_description).to.contain(`"${field}"`)
    }
    const malformed = await request(s.url).post(api('/tokens')).set('Authorization', bearer).set('Content-Type', 'application/json').send('{"name":')
    expect([malformed.status, malformed.body.field]).to.deep.equal([400, 'body'])
    const huge = await request(s.url).post(api('/tokens')).set('Authorization', bearer).set('Content-Type', 'application/json').send(JSON.stringify({ name: 'x', sub: 'y'.repeat(70_000) }))
    expect([huge.status, huge.body.field]).to.deep.equal([400, 'body'])
    const form = await request(s.url).post(api('/tokens')).set('Authorization', bearer).type('form').send({ name: 'x' })
    expect([form.status, form.body.field]).to.deep.equal([400, 'Content-Type'])
    expect(s.registry.version).to.equal(before)
  })

  it('requires a token with the admin permission for each operation', async () => {
    await request(s.url).get(api('/tokens')).expect(401).expect('WWW-Authenticate', /Bearer/)
    await request(s.url).get(api('/tokens')).set('Authorization', 'Bearer nope.nope.nope').expect(401)
    const reader = `Bearer ${adminToken({ sub: 'bob', per: { hivegate: { 'access/tokens': 'R' } } }, s.clock)}`
    await request(s.url).get(api('/tokens')).set('Authorization', reader).expect(200)
    await request(s.url).post(api('/tokens')).set('Authorization', reader).send({ name: 'nope' }).expect(403)
    await request(s.url).get(api('/secrets')).set('Authorization', reader).expect(403)
    const other = `Bearer ${adminToken({ sub: 'eve', per: { otherRealm: { 'access/*': 'CRUD' } } }, s.clock)}`
    await request(s.url).get(api('/tokens')).set('Authorization', other).expect(403)
  })

  it('refuses cookie-authenticated changes from another origin (CSRF)', async () => {
    const cookie = `hg_admin=${adminToken(undefined, s.clock)}`
    await request(s.url).post(api('/tokens')).set('Cookie', cookie).set('Origin', 'https://evil.example').send({ name: 'csrf' }).expect(403)
    await request(s.url).post(api('/tokens')).set('Cookie', cookie).send({ name: 'csrf' }).expect(403)
    const host = new URL(s.url).host
    await request(s.url).post(api('/tokens')).set('Cookie', cookie).set('Origin', `http://${host}`).send({ name: 'same-origin' }).expect(201)
  })

  it('closes connections on request, with the connections permission', async () => {
    const seen: unknown[] = []
    const unsubscribe = s.registry.onCloseConnections((selector) => seen.push(selector))
    const res = await request(s.url).post(api('/connections/close')).set('Authorization', bearer).send({ tnd: 'acme' }).expect(200)
    expect(res.body.closing).to.deep.equal({ tnd: 'acme' })
    expect(seen).to.deep.equal([{ tnd: 'acme' }])
    unsubscribe()
    const reader = `Bearer ${adminToken({ sub: 'bob', per: { hivegate: { 'access/tokens': 'CRUD' } } }, s.clock)}`
    await request(s.url).post(api('/connections/close')).set('Authorization', reader).send({ tnd: 'acme' }).expect(403)
    const empty = await request(s.url).post(api('/connections/close')).set('Authorization', bearer).send({}).expect(400)
    expect(empty.body.field).to.equal('sub')
  })

  it('answers 404 for unknown routes and passes other paths to next()', async () => {
    await request(s.url).get(api('/nothing')).set('Authorization', bearer).expect(404)
    await request(s.url).delete(api('/tokens')).set('Authorization', bearer).expect(404)
    let passed = false
    s.admin.handle({ url: '/elsewhere', headers: {} } as never, {} as never, () => (passed = true))
    expect(passed).to.equal(true)
  })
})
