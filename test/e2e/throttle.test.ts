// Failure throttling in every host, over real sockets: Express, Koa, a ws upgrade, the gateway (HTTP and upgrade).
import { expect } from 'chai'
import express from 'express'
import Koa from 'koa'
import Fastify from 'fastify'
import { hivegate as fastifyGate, type HivegateOptions as FastifyOptions } from '@hivegate/fastify'
import { createServer, type Server } from 'node:http'
import { WebSocketServer } from 'ws'
import { createManualClock, type ManualClock, type ThrottleBlockEvent } from '@hivegate/core'
import { hivegate as expressGate } from '@hivegate/express'
import { hivegate as koaGate } from '@hivegate/koa'
import { createUpgradeHandler } from '@hivegate/ws'
import { startEchoUpstream, startProxy, type EchoUpstream } from '../helpers/gateway-kit.js'
import { secret } from '../helpers/keys.js'
import { close, listen } from '../helpers/listen.js'
import { refusal, wsUrl } from '../helpers/ws-client.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../helpers/tokens.js'

const NOW = Date.parse('2030-01-01T00:00:00Z')

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

interface Host {
  /** One request (or upgrade) with these headers. */
  send(headers: Record<string, string>): Promise<Answer>
  close(): Promise<void>
}

type StartHost = (auth: Record<string, unknown>) => Promise<Host>

async function httpSend(base: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${base}/whoami`, { headers })
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() }
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; base: string }> {
  const server = createServer(handler)
  return { server, base: await listen(server) }
}

const HOSTS: ReadonlyArray<[string, StartHost]> = [
  ['express', async (auth) => {
    const app = express().use(expressGate(auth)).get('/whoami', (req, res) => void res.json({ sub: req.auth?.subject }))
    const { server, base } = await serve(app)
    return { send: (h) => httpSend(base, h), close: () => close(server) }
  }],
  ['koa', async (auth) => {
    const app = new Koa().use(koaGate(auth)).use((ctx) => void (ctx.body = { sub: ctx.state.auth?.subject }))
    const { server, base } = await serve(app.callback())
    return { send: (h) => httpSend(base, h), close: () => close(server) }
  }],
  ['fastify', async (auth) => {
    const app = Fastify()
    void app.register(fastifyGate, auth as FastifyOptions)
    app.get('/whoami', async (request) => ({ sub: request.auth?.subject }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    return { send: (h) => httpSend(`http://127.0.0.1:${port}`, h), close: () => app.close() }
  }],
  ['ws upgrade', async (auth) => {
    const { server, base } = await serve((_req, res) => void res.writeHead(404).end())
    const wss = new WebSocketServer({ noServer: true })
    const wsAuth = createUpgradeHandler(wss, { ...auth, requireCredentialsAtUpgrade: true })
    server.on('upgrade', (req, socket, head) => wsAuth.handleUpgrade(req, socket, head))
    return {
      async send(headers) {
        // A good token opens the socket: count it as 101 and close it.
        const answer = await refusal(wsUrl(base), { headers }).catch((err: Error) => {
          if (/accepted/.test(err.message)) return { status: 101, headers: {}, body: '' }
          throw err
        })
        return answer
      },
      async close() {
        wsAuth.close()
        wss.close()
        await close(server)
      },
    }
  }],
]

function describeThrottle(name: string, start: StartHost): void {
  describe(`failure throttle: ${name}`, () => {
    const key = secret()
    let clock: ManualClock
    let host: Host
    let blocks: ThrottleBlockEvent[]

    beforeEach(async () => {
      clock = createManualClock(NOW)
      blocks = []
      host = await start({
        issuer: TEST_ISSUER,
        audience: TEST_AUDIENCE,
        keys: { secrets: { 'kid-1': key } },
        clock,
        throttle: { maxFailures: 3, window: '1m', onBlock: (event: ThrottleBlockEvent) => blocks.push(event) },
      })
    })
    afterEach(() => host.close())

    const good = async () => ({ authorization: `Bearer ${await mint({ key, now: Math.floor(clock.now() / 1000) })}` })
    const forged = async () => ({ authorization: `Bearer ${await mint({ key: secret(), now: Math.floor(clock.now() / 1000) })}` })

    it('answers 429 with Retry-After after maxFailures, before parsing any token, until the window ends', async () => {
      const ok = (await host.send(await good())).status
      expect(ok).to.be.oneOf([200, 101])
      for (let i = 0; i < 3; i++) expect((await host.send(await forged())).status).to.equal(401)
      expect(blocks).to.deep.equal([{ key: '127.0.0.1', failures: 3, retryAfter: 60 }])

      clock.advance(15_000)
      const blocked = await host.send(await good())
      expect(blocked.status).to.equal(429)
      expect(blocked.headers['retry-after']).to.equal('45')
      expect(blocked.headers['cache-control']).to.equal('no-store')
      expect(blocked.headers['www-authenticate']).to.equal(undefined)
      expect(JSON.parse(blocked.body)).to.deep.equal({ error: 'too_many_failures', error_description: 'Too many failed authentications; retry later' })
      // A malformed credential would be 400 if it were read: it is not.
      expect((await host.send({ authorization: 'Bearer not-a-jwt' })).status).to.equal(429)
      expect((await host.send({})).status).to.equal(429)
      expect(blocks).to.have.length(1)

      clock.advance(45_000)
      expect((await host.send(await good())).status).to.equal(ok)
    })

    it('does not count a request without credentials', async () => {
      for (let i = 0; i < 5; i++) expect((await host.send({})).status).to.equal(401)
      expect((await host.send(await good())).status).to.be.oneOf([200, 101])
      expect(blocks).to.deep.equal([])
    })
  })
}

for (const [name, start] of HOSTS) describeThrottle(name, start)

describe('failure throttle: gateway', () => {
  const key = secret()
  let upstream: EchoUpstream
  before(async () => {
    upstream = await startEchoUpstream()
  })
  after(() => upstream.close())

  describeThrottle('gateway HTTP', async (auth) => {
    const gw = await startProxy({ target: upstream.url, auth })
    return { send: (h) => httpSend(gw.url, h), close: () => gw.close() }
  })

  it('refuses a blocked key a token-less upgrade too (no quarantined socket)', async () => {
    const clock = createManualClock(NOW)
    const gw = await startProxy({ target: upstream.url, auth: { issuer: TEST_ISSUER, keys: { secrets: { 'kid-1': key } }, clock, throttle: { maxFailures: 1 } } })
    try {
      expect((await refusal(gw.wsUrl, { headers: { authorization: 'Bearer a.b' } })).status).to.equal(401)
      const blocked = await refusal(gw.wsUrl)
      expect(blocked.status).to.equal(429)
      expect(blocked.headers['retry-after']).to.equal('60')
      expect(gw.proxy.ws?.quarantined).to.equal(0)
    } finally {
      await gw.close()
    }
  })

  it('keys on the address the trusted proxy saw with trustProxy: 1', async () => {
    const gw = await startProxy({ target: upstream.url, auth: { issuer: TEST_ISSUER, keys: { secrets: { 'kid-1': key } }, throttle: { maxFailures: 2, trustProxy: 1 } } })
    try {
      const as = (client: string) => ({ authorization: 'Bearer a.b', 'x-forwarded-for': `198.51.100.7, ${client}` })
      for (let i = 0; i < 2; i++) expect((await httpSend(gw.url, as('203.0.113.1'))).status).to.equal(401)
      expect((await httpSend(gw.url, as('203.0.113.1'))).status).to.equal(429)
      // Another client behind the same proxy, and the leftmost entry any client can write, change nothing for it.
      expect((await httpSend(gw.url, as('203.0.113.2'))).status).to.equal(401)
      expect((await httpSend(gw.url, { authorization: 'Bearer a.b', 'x-forwarded-for': '203.0.113.1, 203.0.113.3' })).status).to.equal(401)
    } finally {
      await gw.close()
    }
  })
})
