import { expect } from 'chai'
import express from 'express'
import Koa from 'koa'
import request from 'supertest'
import { createVerifier } from '@hivegate/core'
import { createAccessAdmin, koaAccessAdmin } from '@hivegate/access'
import { ADMIN_SECRET, ISSUER, adminToken, openRegistry, tempDir, type OpenRegistry } from './fixture.js'

describe('access admin as Express and Koa middleware', () => {
  const tmp = tempDir()
  let open: OpenRegistry
  let bearer: string
  let admin: ReturnType<typeof createAccessAdmin>

  before(async () => {
    open = await openRegistry(tmp.file('adapters.db'))
    const verifier = createVerifier({ issuer: ISSUER, clock: open.clock, keys: { secrets: { admin: ADMIN_SECRET }, ...open.registry.keys } })
    admin = createAccessAdmin({ registry: open.registry, verifier, path: '/ops/access' })
    bearer = `Bearer ${adminToken(undefined, open.clock)}`
  })
  after(async () => {
    await open.close()
    tmp.cleanup()
  })

  it('Express: answers under its path and passes everything else on', async () => {
    const app = express()
    app.use(admin.handle)
    app.get('/other', (_req, res) => res.send('app'))
    await request(app).post('/ops/access/api/secrets').set('Authorization', bearer).send({ kid: 'express' }).expect(201)
    await request(app).get('/other').expect(200, 'app')
    await request(app).get('/hivegate/access/').expect(404)
  })

  it('Koa: answers under its path and passes everything else on', async () => {
    const app = new Koa()
    app.use(koaAccessAdmin(admin))
    app.use((ctx) => (ctx.body = 'app'))
    const server = app.callback()
    const res = await request(server).get('/ops/access/api/secrets').set('Authorization', bearer).expect(200)
    expect(res.body.secrets.map((s: { kid: string }) => s.kid)).to.include('express')
    await request(server).get('/ops/access/api/tokens').expect(401)
    await request(server).get('/other').expect(200, 'app')
  })

  it('validates its options once, naming the option', () => {
    const verifier = createVerifier({ issuer: ISSUER, keys: { secrets: { admin: ADMIN_SECRET } } })
    expect(() => createAccessAdmin({ registry: open.registry, verifier, path: 'no-slash' })).to.throw(TypeError, /"path"/)
    expect(() => createAccessAdmin({ registry: open.registry, verifier, path: '/a/' })).to.throw(TypeError, /"path"/)
    expect(() => createAccessAdmin({ registry: {} as never, verifier })).to.throw(TypeError, /"registry"/)
    expect(() => createAccessAdmin({ registry: open.registry, verifier: {} as never })).to.throw(TypeError, /"verifier"/)
    expect(() => createAccessAdmin({ registry: open.registry, verifier, loginCookie: 'a b' })).to.throw(TypeError, /"loginCookie"/)
  })
})
