import { expect } from 'chai'
import request from 'supertest'
import Router from '@koa/router'
import type { Context, Middleware } from 'koa'
import { isAuthError } from '@hivegate/core'
import { hivegate, requireDataProvider, requirePermission } from '@hivegate/koa'
import { expectRefusal, suiteFixture, type SuiteFixture } from '../../../test/helpers/http-adapter-suite.js'
import { KOA_HOSTS } from './koa-hosts.js'

// The guards' shared matrix (match, no match, no hivegate(), optional) runs in middleware.test.ts.
const ok: Middleware = (ctx) => {
  ctx.body = { ok: true }
}

for (const [name, Koa] of KOA_HOSTS) {
  describe(`${name}: requirePermission() and requireDataProvider()`, () => {
    let f: SuiteFixture
    beforeEach(() => {
      f = suiteFixture()
    })

    it('work on a @koa/router route after hivegate()', async () => {
      const app = new Koa()
      const router = new Router()
      router.get('/rides/:id', hivegate(f.options()), requirePermission('london', (c) => `deliveryRides/${c.params.id}`, 'U'), ok)
      router.get('/open', (ctx) => {
        ctx.body = { open: true }
      })
      app.use(router.routes())
      const server = app.callback()
      expect((await request(server).get('/open')).status).to.equal(200)
      const auth = `Bearer ${await f.token()}`
      expect((await request(server).get('/rides/johndoe-123').set('Authorization', auth)).status).to.equal(200)
      expectRefusal(await request(server).get('/rides/other').set('Authorization', auth), 403, 'insufficient_permission', 'insufficient_scope')
      expectRefusal(await request(server).get('/rides/johndoe-123'), 401, 'credentials_required')
    })


    it("with errorMode: 'throw' on hivegate(), throw their AuthError to the app's error middleware too", async () => {
      const seen: string[] = []
      const app = new Koa()
      app.use(async (ctx: Context, next) => {
        try {
          await next()
        } catch (err) {
          if (!isAuthError(err)) throw err
          seen.push(`${err.code}:${err.realm}`)
          ctx.status = err.status
          ctx.body = { custom: err.code }
        }
      })
      app.use(hivegate(f.options({ errorMode: 'throw' })))
      const router = new Router()
      router.get('/realms/:realm', requirePermission((c) => c.params.realm, 'anything', 'R'), ok)
      app.use(router.routes())
      const server = app.callback()
      const none = await request(server).get('/realms/paris')
      expect(none.body).to.deep.equal({ custom: 'credentials_required' })
      const denied = await request(server).get('/realms/paris').set('Authorization', `Bearer ${await f.token()}`)
      expect(denied.status).to.equal(403)
      expect(denied.body).to.deep.equal({ custom: 'insufficient_permission' })
      expect(seen).to.deep.equal(['credentials_required:api', 'insufficient_permission:api'])
    })

    it('throw a TypeError naming an argument that is neither a non-empty string nor a function', () => {
      expect(() => requirePermission('london', 42 as never, 'R')).to.throw(TypeError, /"object"/)
      expect(() => requirePermission('london', 'x', 'read')).to.throw(TypeError, /"action"/)
      expect(() => requireDataProvider('', 'x')).to.throw(/"realm"/)
    })
  })
}
