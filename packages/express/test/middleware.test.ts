import { expect } from 'chai'
import request from 'supertest'
import type { ErrorRequestHandler, Request, Response } from 'express'
import { isAuthError } from '@hivegate/core'
import { hivegate, requireDataProvider, requirePermission, type HivegateOptions } from '@hivegate/express'
import { describeHostileTokens } from '../../../test/helpers/http-hostile-suite.js'
import { describeHttpAdapter, expectRefusal, suiteFixture, type SuiteFixture } from '../../../test/helpers/http-adapter-suite.js'
import { EXPRESS_HOSTS } from './express-hosts.js'

const whoami = (req: Request, res: Response) => {
  const { auth } = req
  res.json(auth === undefined ? { anonymous: true } : { source: auth.source, subject: auth.subject, tenant: auth.tenant })
}
const ok = (_req: Request, res: Response) => {
  res.json({ ok: true })
}

for (const [name, express] of EXPRESS_HOSTS) {
  describeHttpAdapter(name, (options) => {
    const app = express()
    app.get('/unguarded/realms/:realm/objects/:id', requirePermission((r) => r.params.realm, (r) => r.params.id, 'R'), ok)
    app.use(hivegate(options as HivegateOptions))
    app.options('/whoami', (_req, res) => {
      res.status(204).end()
    })
    app.all('/whoami', whoami)
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

      it('works on a single route, with a guard after it', async () => {
        const app = express()
        const gate = hivegate(f.options())
        app.get('/rides/:id', gate, requirePermission('london', (r) => `deliveryRides/${r.params.id}`, 'U'), ok)
        app.get('/open', (_req, res) => {
          res.json({ open: true })
        })
        expect((await request(app).get('/open')).status).to.equal(200)
        const auth = `Bearer ${await f.token()}`
        expect((await request(app).get('/rides/johndoe-123').set('Authorization', auth)).status).to.equal(200)
        expectRefusal(await request(app).get('/rides/other').set('Authorization', auth), 403, 'insufficient_permission', 'insufficient_scope')
      })

      it('guards an object id spread over a wildcard path', async () => {
        const app = express()
        app.use(hivegate(f.options()))
        // Express 5 names a wildcard and gives its segments as an array; Express 4 gives one string.
        if (name === 'express 5') app.put('/objects/*id', requirePermission('london', (r) => r.params.id, 'U'), ok)
        else app.put('/objects/*', requirePermission('london', (r) => r.params[0], 'U'), ok)
        const auth = `Bearer ${await f.token()}`
        expect((await request(app).put('/objects/deliveryRides/johndoe-123').set('Authorization', auth)).status).to.equal(200)
        expectRefusal(await request(app).put('/objects/deliveryRides/other').set('Authorization', auth), 403, 'insufficient_permission', 'insufficient_scope')
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
        expect(res.text).not.to.include('x.y.z')
      })

      it("gives an app's error handler the AuthError, from hivegate() and from the guards after it", async () => {
        const seen: string[] = []
        const app = express()
        app.use(hivegate(f.options({ errorMode: 'next' })))
        app.get('/realms/:realm', requirePermission((r) => r.params.realm, 'anything', 'R'), ok)
        const handler: ErrorRequestHandler = (err, _req, res, _next) => {
          expect(isAuthError(err)).to.equal(true)
          seen.push(`${err.code}:${err.realm}`)
          res.status(err.status).json({ custom: err.code })
        }
        app.use(handler)
        const none = await request(app).get('/realms/paris')
        expect(none.body).to.deep.equal({ custom: 'credentials_required' })
        const denied = await request(app).get('/realms/paris').set('Authorization', `Bearer ${await f.token()}`)
        expect(denied.status).to.equal(403)
        expect(denied.body).to.deep.equal({ custom: 'insufficient_permission' })
        expect(seen).to.deep.equal(['credentials_required:api', 'insufficient_permission:api'])
      })
    })

    describe('request view', () => {
      it('uses req.cookies when a cookie parser filled it', async () => {
        const app = express()
        const token = await f.token()
        app.use((req, _res, next) => {
          req.cookies = { hg_token: token }
          next()
        })
        app.use(hivegate(f.options()))
        app.get('/whoami', whoami)
        const res = await request(app).get('/whoami')
        expect(res.body.source).to.equal('cookie')
      })

      it('refuses a cookie that a parser turned into an object, without a 5xx', async () => {
        const app = express()
        app.use((req, _res, next) => {
          req.cookies = { hg_token: { a: 1 } }
          next()
        })
        app.use(hivegate(f.options()))
        app.get('/whoami', whoami)
        expectRefusal(await request(app).get('/whoami'), 400, 'invalid_request', 'invalid_request')
      })
    })

    describe('options', () => {
      it('throws a TypeError naming a wrong errorMode or preflight', () => {
        expect(() => hivegate(f.options({ errorMode: 'throw' }))).to.throw(TypeError, /"errorMode"/)
        expect(() => hivegate(f.options({ preflight: true }))).to.throw(TypeError, /"preflight"/)
      })

      it('throws a TypeError for a guard argument that is neither a string nor a function', () => {
        expect(() => requirePermission('london', 42 as never, 'R')).to.throw(TypeError, /"object"/)
        expect(() => requirePermission('london', 'x', 'read')).to.throw(TypeError, /"action"/)
        expect(() => requireDataProvider('', 'x')).to.throw(/"realm"/)
      })
    })
  })
}
