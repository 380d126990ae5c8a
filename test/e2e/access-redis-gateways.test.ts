// Issue 12: three `hivegate serve` processes sharing one access registry on a real redis-server.
import { expect } from 'chai'
import request from 'supertest'
import { startEchoUpstream, type EchoUpstream } from '../helpers/gateway-kit.js'
import type { RedisServer } from '../helpers/redis-server.js'
import { serveSuite, type ServeProcess, type ServeSuite } from '../helpers/serve-process.js'
import { startTcpCut, type TcpCut } from '../helpers/tcp-cut.js'
import { connect, wsUrl, type TestSocket } from '../helpers/ws-client.js'
import { runCli } from '../../packages/cli/test/run-cli.js'

const OPERATOR_KEY = `${'B'.repeat(42)}A`
const ENV = { HG_OPERATOR_KEY: OPERATOR_KEY }

interface Health {
  ok: boolean
  access: { ok: boolean; loaded: boolean; version: number; storeConnected: boolean }
}

/** Polls `probe` until it returns true: the state of other processes has no event to wait on here. */
async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function health(s: ServeProcess): Promise<Health> {
  return (await request(s.url).get('/hivegate/health')).body as Health
}

async function status(s: ServeProcess, token: string): Promise<number> {
  return (await request(s.url).get('/things').set('Authorization', `Bearer ${token}`)).status
}

async function trustedSocket(s: ServeProcess, token: string): Promise<TestSocket> {
  const socket = await connect(wsUrl(s.url, '/live'), { headers: { Authorization: `Bearer ${token}` } })
  expect(JSON.parse(await socket.next())[0]).to.include({ act: 'aut', res: 'suc' })
  return socket
}

describe('three gateways on one Redis access registry (issue 12)', function () {
  this.timeout(60_000)
  let suite: ServeSuite
  let redis: RedisServer
  let cut: TcpCut
  let upstream: EchoUpstream
  let direct: string
  let throughCut: string
  let failClosed: string
  let admin: string
  const gateways: Record<'a' | 'b' | 'c', ServeProcess> = {} as never
  const sockets: TestSocket[] = []

  const cli = async (config: string, ...args: string[]): Promise<string> => {
    const r = await runCli([...args, '--config', config], { env: ENV })
    expect(r.code, r.stderr).to.equal(0)
    return r.stdout
  }
  const newToken = async (name: string): Promise<{ id: string; value: string }> => {
    const { token, value } = JSON.parse(await cli(direct, 'access', 'token', 'create', '--name', name, '--sub', name, '--json'))
    return { id: token.id, value }
  }
  const adminApi = (s: ServeProcess, path: string) =>
    request(s.url).post(`/hivegate/access/api/${path}`).set('Authorization', `Bearer ${admin}`).set('Content-Type', 'application/json').send('{}')
  const socketOn = async (s: ServeProcess, token: string): Promise<TestSocket> => {
    const socket = await trustedSocket(s, token)
    sockets.push(socket)
    return socket
  }

  before(async function () {
    suite = serveSuite('cluster')
    redis = await suite.redis(this, { persist: true })
    cut = await startTcpCut(redis.port)
    upstream = await startEchoUpstream()
    const config = (name: string, port: number, extra = ''): string =>
      suite.config(name, `upstream: { target: "${upstream.url}" }
auth:
  issuer: platform.test
access:
  store: redis://127.0.0.1:${port}/0
  operatorKey: { env: HG_OPERATOR_KEY }
${extra}`)
    direct = config('direct', redis.port)
    // Gateway C reaches Redis through a relay the test can cut.
    throughCut = config('cut', cut.port)
    failClosed = config('fail-closed', cut.port, '  startup: fail-closed\n')
    await cli(direct, 'access', 'init')
    admin = JSON.parse(await cli(direct, 'access', 'token', 'create', '--name', 'ops', '--sub', 'ops', '--per', '{"hivegate":{"access/*":"CRUD"}}', '--json')).value
    ;[gateways.a, gateways.b, gateways.c] = await Promise.all([suite.serve(direct, ENV), suite.serve(direct, ENV), suite.serve(throughCut, ENV)])
  })
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()))
  })
  after(async () => {
    await suite?.close()
    await cut?.close()
    await upstream?.close()
  })

  it('a revocation on A is refused by B and C, and closes their WebSockets', async () => {
    const token = await newToken('shared')
    for (const g of Object.values(gateways)) await until('the new token is accepted', async () => (await status(g, token.value)) === 200)
    const onB = await socketOn(gateways.b, token.value)
    const onC = await socketOn(gateways.c, token.value)
    await adminApi(gateways.a, `tokens/${token.id}/revoke`).expect(200)
    expect((await onB.closed).code).to.equal(4401)
    expect((await onC.closed).code).to.equal(4401)
    for (const g of [gateways.b, gateways.c]) {
      const refused = await request(g.url).get('/things').set('Authorization', `Bearer ${token.value}`).expect(401)
      expect(refused.body.error).to.equal('token_revoked')
    }
  })

  it('with Redis down, requests are answered from the last state, admin writes fail with 503 and write nothing', async () => {
    const live = await newToken('live')
    const gone = await newToken('gone')
    await adminApi(gateways.a, `tokens/${gone.id}/revoke`).expect(200)
    const version = (await health(gateways.a)).access.version
    for (const g of Object.values(gateways)) await until('every gateway has the state', async () => (await health(g)).access.version === version)

    await redis.kill()
    for (const g of Object.values(gateways)) await until('the gateway sees Redis down', async () => !(await health(g)).access.storeConnected)
    for (const g of Object.values(gateways)) {
      expect(await status(g, live.value)).to.equal(200)
      expect(await status(g, gone.value)).to.equal(401)
      expect((await request(g.url).get('/hivegate/health')).status).to.equal(503)
    }
    const revoke = await adminApi(gateways.a, `tokens/${live.id}/revoke`).expect(503)
    expect(revoke.body.error).to.equal('store_unavailable')
    await adminApi(gateways.b, 'secrets/rotate').expect(503)

    await redis.restart()
    for (const g of Object.values(gateways)) await until('the gateway is back on Redis', async () => (await health(g)).ok)
    for (const g of Object.values(gateways)) {
      expect((await health(g)).access.version).to.equal(version)
      expect(await status(g, live.value)).to.equal(200)
    }
    const secrets = await request(gateways.a.url).get('/hivegate/access/api/secrets').set('Authorization', `Bearer ${admin}`).expect(200)
    expect(secrets.body.secrets.filter((s: { status: string }) => s.status === 'active')).to.have.length(1)
    const audit = await request(gateways.a.url).get('/hivegate/access/api/audit').set('Authorization', `Bearer ${admin}`).expect(200)
    expect(audit.body.audit.some((e: { action: string; target: string }) => e.action === 'token.revoke' && e.target === live.id)).to.equal(false)
  })

  it('a gateway cut off from Redis refuses a token revoked meanwhile once it has resynced (checked by version)', async () => {
    const token = await newToken('cut-off')
    for (const g of Object.values(gateways)) await until('the new token is accepted', async () => (await status(g, token.value)) === 200)
    const onC = await socketOn(gateways.c, token.value)
    cut.cut()
    await until('C sees Redis down', async () => !(await health(gateways.c)).access.storeConnected)
    await adminApi(gateways.a, `tokens/${token.id}/revoke`).expect(200)
    const version = (await health(gateways.a)).access.version
    await until('B refuses the token', async () => (await status(gateways.b, token.value)) === 401)
    // Cut off, C still serves its last state: it cannot know.
    expect((await health(gateways.c)).access.version).to.be.below(version)
    expect(await status(gateways.c, token.value)).to.equal(200)

    cut.restore()
    await until('C has resynced', async () => (await health(gateways.c)).access.version >= version)
    expect((await health(gateways.c)).access.version).to.equal(version)
    expect(await status(gateways.c, token.value)).to.equal(401)
    expect((await onC.closed).code).to.equal(4401)
  })

  it('a gateway killed while a token is revoked refuses it from its first request after start', async () => {
    const token = await newToken('while-down')
    await until('B accepts the token', async () => (await status(gateways.b, token.value)) === 200)
    await gateways.b.stop('SIGKILL')
    await adminApi(gateways.a, `tokens/${token.id}/revoke`).expect(200)
    gateways.b = await suite.serve(direct, ENV)
    const refused = await request(gateways.b.url).get('/things').set('Authorization', `Bearer ${token.value}`).expect(401)
    expect(refused.body.error).to.equal('token_revoked')
    expect((await health(gateways.b)).access.version).to.equal((await health(gateways.a)).access.version)
  })

  it('startup fail-closed: listens with Redis out of reach, refusing static tokens until the state is loaded', async () => {
    const token = await newToken('fail-closed')
    cut.cut()
    const d = await suite.serve(failClosed, ENV)
    try {
      const early = await request(d.url).get('/hivegate/health').expect(503)
      expect(early.body.access).to.include({ loaded: false, ok: false })
      expect(await status(d, token.value)).to.equal(401)
      cut.restore()
      await until('D has loaded the state', async () => (await health(d)).ok)
      expect(await status(d, token.value)).to.equal(200)
    } finally {
      cut.restore()
      await d.stop('SIGKILL')
    }
  })
})
