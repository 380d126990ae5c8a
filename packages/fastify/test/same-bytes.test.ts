// A refusal is the same bytes whichever adapter answers it: Fastify against Express, over real sockets.
import { expect } from 'chai'
import { createServer, type Server } from 'node:http'
import express from 'express'
import Fastify, { type FastifyInstance } from 'fastify'
import { hivegate as expressGate, requirePermission as expressPermission } from '@hivegate/express'
import { hivegate, requirePermission, type HivegateOptions } from '@hivegate/fastify'
import { suiteFixture } from '../../../test/helpers/http-adapter-suite.js'
import { secret } from '../../../test/helpers/keys.js'
import { close, listen } from '../../../test/helpers/listen.js'
import { mint } from '../../../test/helpers/tokens.js'
import { rawExchange } from '../../../test/helpers/raw-http.js'
import { asSelfListening } from '../../../test/helpers/fastify-app.js'

interface RawAnswer {
  statusLine: string
  headers: Record<string, string>
  body: string
}

// Headers of the connection, not of the refusal.
const CONNECTION_HEADERS = new Set(['date', 'connection', 'keep-alive'])

async function exchange(base: string, head: string): Promise<RawAnswer> {
  const raw = await rawExchange(base, `${head}Host: api.example\r\nConnection: close\r\n\r\n`)
  const end = raw.indexOf('\r\n\r\n')
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).toLowerCase()
    if (!CONNECTION_HEADERS.has(name)) headers[name] = line.slice(colon + 1).trim()
  }
  return { statusLine: statusLine!, headers, body: raw.slice(end + 4) }
}

describe('fastify 5: refusals are byte for byte those of @hivegate/express', () => {
  const f = suiteFixture()
  let expressServer: Server
  let fastifyApp: FastifyInstance
  let expressBase: string
  let fastifyBase: string

  before(async () => {
    const options = f.options()
    const app = express()
    app.disable('x-powered-by') // Express's advertisement, not part of the refusal
    app.use(expressGate(options))
    app.all('/whoami', (_req, res) => {
      res.json({ ok: true })
    })
    app.get('/realms/:realm', expressPermission((r) => r.params.realm, 'x', 'R'), (_req, res) => {
      res.json({ ok: true })
    })
    expressServer = createServer(app)
    expressBase = await listen(expressServer)

    fastifyApp = Fastify()
    await fastifyApp.register(hivegate, options as HivegateOptions)
    fastifyApp.route({ method: ['GET', 'HEAD', 'POST'], url: '/whoami', handler: async () => ({ ok: true }) })
    fastifyApp.get('/realms/:realm', { preHandler: requirePermission<{ Params: { realm: string } }>((r) => r.params.realm, 'x', 'R') }, async () => ({ ok: true }))
    fastifyBase = await asSelfListening(fastifyApp).start()
  })

  after(async () => {
    await close(expressServer)
    await fastifyApp.close()
  })

  const cases: Array<[string, () => Promise<string>]> = [
    ['no credentials', async () => 'GET /whoami HTTP/1.1\r\n'],
    ['an empty Bearer header', async () => 'GET /whoami HTTP/1.1\r\nAuthorization: Bearer\r\n'],
    ['a malformed token', async () => 'GET /whoami HTTP/1.1\r\nAuthorization: Bearer x.y.z\r\n'],
    ['a token signed with another key', async () => `GET /whoami HTTP/1.1\r\nAuthorization: Bearer ${await mint({ key: secret(), now: f.clock.now() / 1000 })}\r\n`],
    ['an expired token', async () => `GET /whoami HTTP/1.1\r\nAuthorization: Bearer ${await f.token({ exp: f.clock.now() / 1000 - 600 })}\r\n`],
    ['a bad cookie', async () => 'GET /whoami HTTP/1.1\r\nCookie: hg_token=not-a-token\r\n'],
    ['a cross-site cookie POST', async () => `POST /whoami HTTP/1.1\r\nOrigin: https://evil.example\r\nCookie: hg_token=${await f.token()}\r\nContent-Length: 0\r\n`],
    ['a missing permission', async () => `GET /realms/paris HTTP/1.1\r\nAuthorization: Bearer ${await f.token()}\r\n`],
    ['a HEAD without credentials', async () => 'HEAD /whoami HTTP/1.1\r\n'],
  ]

  for (const [name, head] of cases) {
    it(`answers ${name} identically: status line, refusal headers and body`, async () => {
      const request = await head()
      const fromExpress = await exchange(expressBase, request)
      const fromFastify = await exchange(fastifyBase, request)
      expect(fromExpress.statusLine).to.match(/^HTTP\/1\.1 [45]\d\d /)
      expect(fromFastify).to.deep.equal(fromExpress)
      expect(fromFastify.headers['cache-control']).to.equal('no-store')
    })
  }
})
