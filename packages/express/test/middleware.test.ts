import { expect } from 'chai'
import request from 'supertest'
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express'
import type { AuthContext } from '@hivegate/core'
import { hivegate, requireDataProvider, requirePermission, type HivegateOptions } from '@hivegate/express'
import { describeHostileTokens } from '../../../test/helpers/http-hostile-suite.js'
import { describeHttpAdapter, expectRefusal, FORGED_AUTH, suiteFixture, type SuiteFixture } from '../../../test/helpers/http-adapter-suite.js'
import { EXPRESS_HOSTS } from './express-hosts.js'

const whoami = (req: Request, res: Response) => {
  const { auth } = req
  res.json(auth === undefined ? { anonymous: true } : { source: auth.source, subject: auth.subject, tenant: auth.tenant })
}
const ok = (_req: Request, res: Response) => {
  res.json({ ok: true })
}

for (const [name, express] of EXPRESS_HOSTS) {
  describeHttpAdapter(name, (options, host = {}) => {
    const app = express()
    if (host.trustProxy === true) app.set('trust proxy', true)
    app.get('/unguarded/realms/:realm/objects/:id', requirePermission((r) => r.params.realm, (r) => r.params.id, 'R'), ok)
    app.use(hivegate(options as HivegateOptions))
    app.options('/whoami', (_req, res) => {
      res.status(204).end()
    })
    app.all('/whoami', whoami)
    const nested = express.Router()
    nested.use(hivegate(options as HivegateOptions))
    nested.all('/whoami', whoami)
    app.use('/nested', nested)
    app.get('/missing-param/:id', requirePermission((r) => r.params.realm, (r) => r.params.id, 'R'), ok)
    const broken = () => {
      throw new Error('guard bug')
    }
    app.get('/broken-guard', requirePermission(broken, 'x', 'R'), ok)
    const overwrite: RequestHandler = (req, _res, next) => {
      req.auth = FORGED_AUTH as unknown as AuthContext
      next()
    }
    app.get('/overwritten/realms/:realm/objects/:id', overwrite, requirePermission((r) => r.params.realm, (r) => r.params.id, 'R'), ok)
    const onError: ErrorRequestHandler = (_err, _req, res, _next) => {
      res.status(500).json({ error: 'server_error' })
    }
    app.use(onError)
    app.get('/realms/:realm/objects/:id', requirePermission((r) => r.params.realm, (r) => r.params.id, 'R'), ok)
    app.post('/realms/:realm/objects/:id', requirePermission((r) => r.params.realm, (r) => r.params.id, 'CU'), ok)
    app.delete('/realms/london/objects/:id', requirePermission('london', (r) => r.params.id, 'D'), ok)
    app.get('/providers/:realm/:id', requireDataProvider((r) => r.params.realm, (r) => r.params.id), ok)
    return app
  })

  describeHostileTokens(name, (options) => {
    const app = express()
    app.use(hivegate(options as HivegateOptions))
    app.all('/whoami', whoami)
    return app
  })

  describe(`${name}: hivegate()`, () => {
    let f: SuiteFixture
    beforeEach(() => {
      f = suiteFixture()
    })

    describe('mounting', () => {
      it('works on a Router: only the router’s paths need credentials', async () => {
        const app = express()
        const api = express.Router()
        api.use(hivegate(f.options()))
        api.get('/whoami', whoami)
        app.use('/api', api)
        app.get('/health', (_req, res) => {
          res.json({ up: true })
        })
        expect((await request(app).get('/health')).status).to.equal(200)
        expectRefusal(await request(app).get('/api/whoami'), 401, 'credentials_required')
        const res = await request(app).get('/api/whoami').set('Authorization', `Bearer ${await f.token()}`)
        expect(res.body.source).to.equal('bearer')
      })

      it('a sub-app mounted after it sees the same req.auth', async () => {
        const app = express()
        const sub = express()
        sub.get('/whoami', whoami)
        app.use(hivegate(f.options()))
        app.use('/sub', sub)
        const res = await request(app).get('/sub/whoami').set('Cookie', `hg_token=${await f.token()}`)
        expect(res.body.source).to.equal('cookie')
      })
    })

    describe("errorMode: 'next'", () => {
      it("hands the AuthError to Express's default handler, which renders status and challenge", async () => {
        const app = express()
        app.set('env', 'test') // keeps the default handler from printing the stack
        app.use(hivegate(f.options({ errorMode: 'next' })))
        app.get('/whoami', whoami)
        const res = await request(app).get('/whoami').set('Authorization', 'Bearer x.y.z')
        expect(res.status).to.equal(401)
        expect(res.headers['www-authenticate']).to.match(/^Bearer realm="api", error="invalid_token"/)
        expect(res.headers['cache-control']).to.equal('no-store')
        expect(res.text).not.to.include('x.y.z')
      })

      it("keeps every handed-off refusal out of caches: the default handler sends err.headers' no-store", async () => {
        const app = express()
        app.set('env', 'test')
        app.use(hivegate(f.options({ errorMode: 'next' })))
        app.all('/whoami', whoami)
        const missing = await request(app).get('/whoami')
        expect(missing.status).to.equal(401)
        expect(missing.headers['cache-control']).to.equal('no-store')
        const crossSite = await request(app).post('/whoami').set('Origin', 'https://evil.example').set('Cookie', `hg_token=${await f.token()}`)
        expect(crossSite.status).to.equal(403)
        expect(crossSite.headers['cache-control']).to.equal('no-store')
      })
    })

    describe('options', () => {
      it('throws a TypeError naming a wrong errorMode or preflight', () => {
        expect(() => hivegate(f.options({ errorMode: 'throw' }))).to.throw(TypeError, /"errorMode"/)
        expect(() => hivegate(f.options({ preflight: true }))).to.throw(TypeError, /"preflight"/)
      })
    })
  })
}
