// The cookie source with and without @fastify/cookie, and the cookie's origin (CSRF) rule either way.
import { expect } from 'chai'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import fastifyCookie from '@fastify/cookie'
import { hivegate, type HivegateOptions } from '@hivegate/fastify'
import { suiteFixture, type SuiteFixture } from '../../../test/helpers/http-adapter-suite.js'

const whoami = async (request: FastifyRequest) => ({ source: request.auth?.source, subject: request.auth?.subject })

type Setup = [name: string, build: (options: HivegateOptions) => Promise<FastifyInstance>]

const SETUPS: Setup[] = [
  [
    'without @fastify/cookie (core reads the Cookie header)',
    async (options) => {
      const app = Fastify()
      await app.register(hivegate, options)
      return app
    },
  ],
  [
    '@fastify/cookie registered before (request.cookies)',
    async (options) => {
      const app = Fastify()
      await app.register(fastifyCookie)
      await app.register(hivegate, options)
      return app
    },
  ],
  [
    '@fastify/cookie registered after (its hook runs later: core reads the header)',
    async (options) => {
      const app = Fastify()
      await app.register(hivegate, options)
      await app.register(fastifyCookie)
      return app
    },
  ],
]

for (const [name, build] of SETUPS) {
  describe(`fastify 5: the cookie source, ${name}`, () => {
    let f: SuiteFixture
    let app: FastifyInstance
    beforeEach(async () => {
      f = suiteFixture()
      app = await build(f.options({ cookieName: 'session' }) as HivegateOptions)
      app.route({ method: ['GET', 'POST', 'PUT', 'DELETE'], url: '/whoami', handler: whoami })
      await app.ready()
    })
    afterEach(async () => {
      await app.close()
    })

    it('reads the configured cookie among others', async () => {
      const res = await app.inject({ url: '/whoami', headers: { cookie: `a=1; session=${await f.token()}; b=2` } })
      expect(res.statusCode).to.equal(200)
      expect(res.json()).to.deep.equal({ source: 'cookie', subject: 'johndoe' })
    })

    it('refuses a bad cookie with 400 invalid_request, never falling through to Bearer', async () => {
      const res = await app.inject({ url: '/whoami', headers: { cookie: 'session=not-a-token', authorization: `Bearer ${await f.token()}` } })
      expect(res.statusCode).to.equal(400)
      expect(res.json()).to.include({ error: 'invalid_request' })
    })

    it('lets a same-origin cookie POST through and refuses a cross-site one with 403 origin_not_allowed', async () => {
      const cookie = `session=${await f.token()}`
      const same = await app.inject({ method: 'POST', url: '/whoami', headers: { host: 'api.example', origin: 'http://api.example', cookie } })
      expect(same.statusCode).to.equal(200)
      for (const method of ['POST', 'PUT', 'DELETE'] as const) {
        const cross = await app.inject({ method, url: '/whoami', headers: { host: 'api.example', origin: 'https://evil.example', cookie } })
        expect(cross.statusCode, method).to.equal(403)
        expect(cross.json()).to.include({ error: 'origin_not_allowed' })
      }
      const noOrigin = await app.inject({ method: 'POST', url: '/whoami', headers: { host: 'api.example', cookie } })
      expect(noOrigin.statusCode).to.equal(403)
      const bearer = await app.inject({ method: 'POST', url: '/whoami', headers: { host: 'api.example', origin: 'https://evil.example', authorization: `Bearer ${await f.token()}` } })
      expect(bearer.statusCode).to.equal(200)
    })
  })
}

describe('fastify 5: cookies @fastify/cookie parsed', () => {
  it('are the ones the cookie source reads, when its hook ran first', async () => {
    const f = suiteFixture()
    const token = await f.token({ sub: 'parsed' })
    const app = Fastify()
    await app.register(fastifyCookie)
    // What the plugin parsed wins over the raw header: proof the source reads request.cookies.
    app.addHook('onRequest', async (request) => {
      request.cookies = { hg_token: token }
    })
    await app.register(hivegate, f.options() as HivegateOptions)
    app.get('/whoami', whoami)
    const res = await app.inject({ url: '/whoami', headers: { cookie: 'hg_token=not-a-token' } })
    expect(res.json()).to.deep.equal({ source: 'cookie', subject: 'parsed' })
    await app.close()
  })
})
