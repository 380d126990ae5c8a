import { expect } from 'chai'
import request from 'supertest'
import Router from '@koa/router'
import type { Middleware } from 'koa'
import type { AuthContext } from '@hivegate/core'
import { hivegate, requireDataProvider, requirePermission, type HivegateOptions } from '@hivegate/koa'
import { describeHostileTokens } from '../../../test/helpers/http-hostile-suite.js'
import { describeHttpAdapter, expectRefusal, FORGED_AUTH, suiteFixture, type SuiteFixture } from '../../../test/helpers/http-adapter-suite.js'
import { KOA_HOSTS } from './koa-hosts.js'

const whoami: Middleware = (ctx) => {
  const { auth } = ctx.state
  ctx.body = auth === undefined ? { anonymous: true } : { source: auth.source, subject: auth.subject, tenant: auth.tenant }
}
const ok: Middleware = (ctx) => {
  ctx.body = { ok: true }
}

for (const [name, Koa] of KOA_HOSTS) {
  describeHttpAdapter(name, (options, host = {}) => {
    const app = new Koa()
    app.silent = true // Koa's default error handling answers a bug with a bare 500; keep it off the console
    app.proxy = host.trustProxy === true
    const unguarded = new Router()
    unguarded.get('/unguarded/realms/:realm/objects/:id', requirePermission((c) => c.params.realm, (c) => c.params.id, 'R'), ok)
    const router = new Router()
    router.options('/whoami', (ctx) => {
      ctx.status = 204
    })
    router.all('/whoami', whoami)
    router.get('/realms/:realm/objects/:id', requirePermission((c) => c.params.realm, (c) => c.params.id, 'R'), ok)
    router.post('/realms/:realm/objects/:id', requirePermission((c) => c.params.realm, (c) => c.params.id, 'CU'), ok)
    router.delete('/realms/london/objects/:id', requirePermission('london', (c) => c.params.id, 'D'), ok)
    router.get('/providers/:realm/:id', requireDataProvider((c) => c.params.realm, (c) => c.params.id), ok)
    const nested = new Router({ prefix: '/nested' })
    nested.use(hivegate(options as HivegateOptions))
    nested.all('/whoami', whoami)
    router.use(nested.routes())
    router.get('/missing-param/:id', requirePermission((c) => c.params.realm, (c) => c.params.id, 'R'), ok)
    const broken = () => {
      throw new Error('guard bug')
    }
    router.get('/broken-guard', requirePermission(broken, 'x', 'R'), ok)
    const overwrite: Middleware = (ctx, next) => {
      ctx.state = { auth: FORGED_AUTH as unknown as AuthContext }
      return next()
    }
    router.get('/overwritten/realms/:realm/objects/:id', overwrite, requirePermission((c) => c.params.realm, (c) => c.params.id, 'R'), ok)
    app.use(unguarded.routes())
    app.use(hivegate(options as HivegateOptions))
    app.use(router.routes())
    return app.callback()
  })

  describeHostileTokens(name, (options) => {
    const app = new Koa()
    app.use(hivegate(options as HivegateOptions))
    app.use(whoami)
    return app.callback()
  })

  describe(`${name}: hivegate()`, () => {
    let f: SuiteFixture
    beforeEach(() => {
      f = suiteFixture()
    })

    describe('mounting', () => {
      it('works on a router prefix: only its paths need credentials', async () => {
        const app = new Koa()
        const api = new Router({ prefix: '/api' })
        api.use(hivegate(f.options()))
        api.get('/whoami', whoami)
        app.use(api.routes())
        app.use((ctx) => {
          ctx.body = { up: true }
        })
        const server = app.callback()
        expect((await request(server).get('/health')).status).to.equal(200)
        expectRefusal(await request(server).get('/api/whoami'), 401, 'credentials_required')
        const res = await request(server).get('/api/whoami').set('Cookie', `hg_token=${await f.token()}`)
        expect(res.body.source).to.equal('cookie')
      })
    })

    describe("errorMode: 'throw'", () => {
      it("lets Koa's default error handling render status and challenge", async () => {
        const app = new Koa()
        app.use(hivegate(f.options({ errorMode: 'throw' })))
        app.use(whoami)
        const res = await request(app.callback()).get('/whoami').set('Authorization', 'Bearer x.y.z')
        expect(res.status).to.equal(401)
        expect(res.headers['www-authenticate']).to.match(/^Bearer realm="api", error="invalid_token"/)
        expect(res.headers['cache-control']).to.equal('no-store')
        expect(res.text).to.be.a('string').and.not.equal('')
        expect(res.text).not.to.include('x.y.z')
      })

      it("keeps every thrown refusal out of caches: ctx.onerror sends err.headers' no-store", async () => {
        const app = new Koa()
        app.use(hivegate(f.options({ errorMode: 'throw' })))
        app.use(whoami)
        const missing = await request(app.callback()).get('/whoami')
        expect(missing.status).to.equal(401)
        expect(missing.headers['cache-control']).to.equal('no-store')
        const crossSite = await request(app.callback()).post('/whoami').set('Origin', 'https://evil.example').set('Cookie', `hg_token=${await f.token()}`)
        expect(crossSite.status).to.equal(403)
        expect(crossSite.headers['cache-control']).to.equal('no-store')
      })
    })

    describe('options', () => {
      it('throws a TypeError naming a wrong errorMode or preflight', () => {
        expect(() => hivegate(f.options({ errorMode: 'next' }))).to.throw(TypeError, /"errorMode"/)
        expect(() => hivegate(f.options({ preflight: true }))).to.throw(TypeError, /"preflight"/)
      })
    })
  })
}
