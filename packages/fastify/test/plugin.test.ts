import { expect } from 'chai'
import request from 'supertest'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type preHandlerHookHandler } from 'fastify'
import { errorBody, isAuthError, type AuthContext } from '@hivegate/core'
import { hivegate, requireDataProvider, requirePermission, type HivegateOptions } from '@hivegate/fastify'
import { describeHostileTokens } from '../../../test/helpers/http-hostile-suite.js'
import { describeHttpAdapter, expectRefusal, FORGED_AUTH, suiteFixture, type SuiteFixture } from '../../../test/helpers/http-adapter-suite.js'
import { asListener, asSelfListening } from '../../../test/helpers/fastify-app.js'

type Params = { Params: { realm: string; id: string } }

const whoami = async (request: FastifyRequest) => {
  const { auth } = request
  return auth === undefined ? { anonymous: true } : { source: auth.source, subject: auth.subject, tenant: auth.tenant }
}
const ok = async () => ({ ok: true })

/** Every method Fastify routes, but OPTIONS (answered apart, for the preflight cases). */
function allButOptions(app: FastifyInstance): string[] {
  return app.supportedMethods.filter((method) => method !== 'OPTIONS')
}

// The app's own error handler: a bug answers 500 without detail; Fastify's own 4xx stay as they are.
function onError(err: Error & { statusCode?: number }, _request: FastifyRequest, reply: FastifyReply) {
  if (err.statusCode !== undefined && err.statusCode < 500) throw err
  return reply.code(500).send({ error: 'server_error' })
}

describeHttpAdapter(
  'fastify 5',
  (options, host = {}) => {
    const app = Fastify({ trustProxy: host.trustProxy === true })
    app.setErrorHandler(onError)
    const byRoute = requirePermission<Params>((r) => r.params.realm, (r) => r.params.id, 'R')
    // A public route: the plugin does not run, so the guard finds no one authenticated.
    app.get('/unguarded/realms/:realm/objects/:id', { config: { hivegate: false }, preHandler: byRoute }, ok)
    void app.register(hivegate, options as HivegateOptions)
    app.options('/whoami', async (_request, reply) => reply.code(204).send())
    app.route({ method: allButOptions(app), url: '/whoami', handler: whoami })
    void app.register(
      async (nested) => {
        await nested.register(hivegate, options as HivegateOptions)
        nested.route({ method: allButOptions(nested), url: '/whoami', handler: whoami })
      },
      { prefix: '/nested' },
    )
    app.get('/missing-param/:id', { preHandler: requirePermission<Params>((r) => r.params.realm, (r) => r.params.id, 'R') }, ok)
    const broken = () => {
      throw new Error('guard bug')
    }
    app.get('/broken-guard', { preHandler: requirePermission(broken, 'x', 'R') }, ok)
    const overwrite: preHandlerHookHandler = (request, _reply, done) => {
      request.auth = FORGED_AUTH as unknown as AuthContext
      done()
    }
    app.get('/overwritten/realms/:realm/objects/:id', { preHandler: [overwrite, byRoute] }, ok)
    app.get('/realms/:realm/objects/:id', { preHandler: byRoute }, ok)
    app.post('/realms/:realm/objects/:id', { preHandler: requirePermission<Params>((r) => r.params.realm, (r) => r.params.id, 'CU') }, ok)
    app.delete('/realms/london/objects/:id', { preHandler: requirePermission<Params>('london', (r) => r.params.id, 'D') }, ok)
    app.get('/providers/:realm/:id', { preHandler: requireDataProvider<Params>((r) => r.params.realm, (r) => r.params.id) }, ok)
    return asListener(app)
  },
  { forwardedHostEntry: 'last' },
)

// The whole hostile-token suite over a real socket: app.listen on 127.0.0.1 port 0, app.close after.
describeHostileTokens('fastify 5 (app.listen)', (options) => {
  const app = Fastify()
  void app.register(hivegate, options as HivegateOptions)
  app.route({ method: allButOptions(app), url: '/whoami', handler: whoami })
  return asSelfListening(app)
})

describe('fastify 5: the hivegate plugin', () => {
  let f: SuiteFixture
  beforeEach(() => {
    f = suiteFixture()
  })

  describe('registration', () => {
    it('validates the options once, at registration, with an error naming the option', async () => {
      for (const [options, name] of [
        [{ errorMode: 'next' }, 'errorMode'],
        [{ preflight: true }, 'preflight'],
        [{ optional: 'yes' }, 'optional'],
        [{ cookieName: 42 }, 'cookieName'],
      ] as const) {
        const app = Fastify()
        void app.register(hivegate, f.options(options) as HivegateOptions)
        let error: unknown
        await app.ready().catch((err: unknown) => {
          error = err
        })
        expect(error, name).to.be.an.instanceOf(TypeError)
        expect((error as Error).message).to.include(`"${name}"`)
        await app.close()
      }
    })

    it('takes the options app.register() reads itself (prefix, logLevel) without complaint', async () => {
      const app = Fastify()
      await app.register(hivegate, { ...f.options(), prefix: '/api', logLevel: 'warn' } as HivegateOptions)
      app.get('/whoami', whoami)
      const res = await app.inject({ url: '/whoami', headers: { authorization: `Bearer ${await f.token()}` } })
      expect(res.json()).to.include({ source: 'bearer' })
      await app.close()
    })

    it('authenticates every route of the scope, a 404 included, and declares request.auth once', async () => {
      const app = Fastify()
      await app.register(hivegate, f.options() as HivegateOptions)
      await app.register(hivegate, f.options() as HivegateOptions)
      app.get('/whoami', whoami)
      expect(app.hasRequestDecorator('auth')).to.equal(true)
      const unknown = await request(asListener(app)).get('/no-such-route')
      expectRefusal(unknown, 401, 'credentials_required')
      const missing = await app.inject({ url: '/no-such-route', headers: { authorization: `Bearer ${await f.token()}` } })
      expect(missing.statusCode).to.equal(404)
      await app.close()
    })

    it('inside an encapsulated plugin, authenticates only that plugin’s routes', async () => {
      const app = Fastify()
      await app.register(
        async (api) => {
          await api.register(hivegate, f.options() as HivegateOptions)
          api.get('/whoami', whoami)
        },
        { prefix: '/api' },
      )
      app.get('/health', async () => ({ up: true }))
      expect((await app.inject('/health')).statusCode).to.equal(200)
      expect((await app.inject('/api/whoami')).statusCode).to.equal(401)
      const res = await app.inject({ url: '/api/whoami', headers: { cookie: `hg_token=${await f.token()}` } })
      expect(res.json()).to.include({ source: 'cookie' })
      await app.close()
    })
  })

  describe('public routes: config: { hivegate: false }', () => {
    it('lets a public route through untouched, with request.auth undefined even when a token is sent', async () => {
      const app = Fastify()
      await app.register(hivegate, f.options() as HivegateOptions)
      app.get('/health', { config: { hivegate: false } }, whoami)
      app.get('/whoami', whoami)
      expect((await app.inject('/health')).json()).to.deep.equal({ anonymous: true })
      const withToken = await app.inject({ url: '/health', headers: { authorization: 'Bearer x.y.z' } })
      expect(withToken.json()).to.deep.equal({ anonymous: true })
      expect((await app.inject('/whoami')).statusCode).to.equal(401)
      await app.close()
    })

    it('a guard on a public route answers 401 credentials_required, never a pass', async () => {
      const app = Fastify()
      await app.register(hivegate, f.options() as HivegateOptions)
      app.get('/open', { config: { hivegate: true } }, whoami)
      app.get('/public', { config: { hivegate: false }, preHandler: requirePermission('london', '*', 'R') }, ok)
      const res = await app.inject({ url: '/public', headers: { authorization: `Bearer ${await f.token()}` } })
      expect(res.statusCode).to.equal(401)
      expect(res.json()).to.include({ error: 'credentials_required' })
      expect((await app.inject('/open')).statusCode).to.equal(401)
      await app.close()
    })
  })

  describe("errorMode: 'throw'", () => {
    it("hands the AuthError to Fastify's default error handling: status, challenge and no-store", async () => {
      const app = Fastify()
      await app.register(hivegate, f.options({ errorMode: 'throw' }) as HivegateOptions)
      app.route({ method: allButOptions(app), url: '/whoami', handler: whoami })
      const invalid = await app.inject({ url: '/whoami', headers: { authorization: 'Bearer x.y.z' } })
      expect(invalid.statusCode).to.equal(401)
      expect(invalid.headers['www-authenticate']).to.match(/^Bearer realm="api", error="invalid_token"/)
      expect(invalid.headers['cache-control']).to.equal('no-store')
      expect(invalid.body).not.to.include('x.y.z')
      const crossSite = await app.inject({ method: 'POST', url: '/whoami', headers: { origin: 'https://evil.example', cookie: `hg_token=${await f.token()}` } })
      expect(crossSite.statusCode).to.equal(403)
      expect(crossSite.headers['cache-control']).to.equal('no-store')
      await app.close()
    })

    it("reaches the app's setErrorHandler and onError hooks, from the plugin and from the guards", async () => {
      const seen: string[] = []
      const app = Fastify()
      app.addHook('onError', async (_request, _reply, err) => {
        seen.push(`onError:${(err as { code?: string }).code}`)
      })
      app.setErrorHandler((err: Error & { code?: string; realm?: string }, _request, reply) => {
        seen.push(`${err.code}:${err.realm}`)
        return reply.code(err.statusCode ?? 500).send({ custom: err.code })
      })
      await app.register(hivegate, f.options({ errorMode: 'throw' }) as HivegateOptions)
      app.get('/realms/:realm', { preHandler: requirePermission<{ Params: { realm: string } }>((r) => r.params.realm, 'anything', 'R') }, ok)
      expect((await app.inject('/realms/paris')).json()).to.deep.equal({ custom: 'credentials_required' })
      const denied = await app.inject({ url: '/realms/paris', headers: { authorization: `Bearer ${await f.token()}` } })
      expect(denied.statusCode).to.equal(403)
      expect(denied.json()).to.deep.equal({ custom: 'insufficient_permission' })
      expect(seen).to.deep.equal(['onError:credentials_required', 'credentials_required:api', 'onError:insufficient_permission', 'insufficient_permission:api'])
      await app.close()
    })
  })

  describe("errorMode: 'throw' with the README's error handler", () => {
    it('renders a refusal with the same status, headers and body as errorMode: respond', async () => {
      const build = async (errorMode: 'respond' | 'throw') => {
        const app = Fastify()
        app.setErrorHandler((err, _request, reply) => {
          if (isAuthError(err)) return reply.code(err.status).headers(err.headers).send(errorBody(err))
          throw err
        })
        await app.register(hivegate, f.options({ errorMode }) as HivegateOptions)
        app.get('/whoami', whoami)
        return app
      }
      const responding = await build('respond')
      const throwing = await build('throw')
      for (const authorization of [undefined, 'Bearer', 'Bearer x.y.z']) {
        const headers = authorization === undefined ? {} : { authorization }
        const [a, b] = await Promise.all([responding.inject({ url: '/whoami', headers }), throwing.inject({ url: '/whoami', headers })])
        expect(b.statusCode).to.equal(a.statusCode)
        expect(b.body).to.equal(a.body)
        for (const name of ['www-authenticate', 'cache-control', 'content-type', 'content-length']) expect(b.headers[name], name).to.equal(a.headers[name])
      }
      await Promise.all([responding.close(), throwing.close()])
    })
  })

  describe('guards', () => {
    it('throw a TypeError naming an argument that is neither a non-empty string nor a function', () => {
      expect(() => requirePermission('london', 42 as never, 'R')).to.throw(TypeError, /"object"/)
      expect(() => requirePermission('london', 'x', 'read')).to.throw(TypeError, /"action"/)
      expect(() => requireDataProvider('', 'x')).to.throw(/"realm"/)
    })

    it('run as a route-level onRequest hook too, after the plugin', async () => {
      const app = Fastify()
      await app.register(hivegate, f.options() as HivegateOptions)
      app.get('/rides/:id', { onRequest: requirePermission<{ Params: { id: string } }>('london', (r) => `deliveryRides/${r.params.id}`, 'U') }, ok)
      const auth = `Bearer ${await f.token()}`
      expect((await app.inject({ url: '/rides/johndoe-123', headers: { authorization: auth } })).statusCode).to.equal(200)
      expect((await app.inject({ url: '/rides/other', headers: { authorization: auth } })).statusCode).to.equal(403)
      await app.close()
    })
  })
})
