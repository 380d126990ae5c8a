import { expect } from 'chai'
import request from 'supertest'
import { startEchoUpstream, type EchoUpstream } from '../../../test/helpers/gateway-kit.js'
import { serveSuite, type ServeProcess, type ServeSuite } from '../../../test/helpers/serve-process.js'
import { connect, refusal, wsUrl } from '../../../test/helpers/ws-client.js'
import { runCli } from './run-cli.js'

// Real processes throughout: the CLI beside `hivegate serve` on one SQLite file.
describe('hivegate access with hivegate serve (spawned)', function () {
  this.timeout(30_000)
  let suite: ServeSuite
  let config: string
  let upstream: EchoUpstream
  const cli = async (...args: string[]): Promise<string> => {
    const r = await runCli([...args, '--config', config])
    expect(r.code, r.stderr).to.equal(0)
    return r.stdout
  }
  const serve = (): Promise<ServeProcess> => suite.serve(config)

  before(async () => {
    suite = serveSuite('access-serve')
    upstream = await startEchoUpstream()
    config = suite.config('hivegate', `upstream: { target: "${upstream.url}" }
auth:
  issuer: platform.test
access:
  store: data/access.db
  operatorKey: { file: data/operator.key }
`)
    await cli('access', 'init')
  })
  afterEach(async () => {
    await suite.killServes()
  })
  after(async () => {
    await upstream.close()
    await suite?.close()
  })

  it('a token created by the CLI is accepted; revoked by the CLI it is refused, its WebSocket closed, and that survives a restart', async () => {
    const created = JSON.parse(await cli('access', 'token', 'create', '--name', 'svc', '--sub', 'svc-1', '--tnd', 'tenant-1', '--json'))
    const { value: token, token: record } = created
    expect(record.id).to.match(/^[0-9a-f-]{36}$/)
    // Shown once: never again in list or show.
    expect(await cli('access', 'token', 'list', '--json')).not.to.include(token)
    expect(await cli('access', 'token', 'show', record.id)).not.to.include(token)

    const a = await serve()
    const ok = await request(a.url).get('/things').set('Authorization', `Bearer ${token}`).expect(200)
    expect(ok.body.headers['x-hivegate-sub']).to.equal('svc-1')
    const socket = await connect(wsUrl(a.url, '/live'), { headers: { Authorization: `Bearer ${token}` } })
    expect(JSON.parse(await socket.next())[0]).to.include({ act: 'aut', res: 'suc' })
    socket.send('hi')
    expect(await socket.next()).to.equal('echo:hi')

    const revoked = JSON.parse(await cli('access', 'token', 'revoke', record.id, '--json'))
    expect(revoked.token.revokedAt).to.be.a('number')
    // The gateway picks the change up from the file: the socket's close is the event to wait for.
    expect((await socket.closed).code).to.equal(4401)
    const refused = await request(a.url).get('/things').set('Authorization', `Bearer ${token}`).expect(401)
    expect(refused.body.error).to.equal('token_revoked')

    expect(await a.stop('SIGTERM')).to.equal(0)
    expect(a.output()).to.match(/stopped/)
    expect(a.output()).not.to.include(token)
    const b = await serve()
    const again = await request(b.url).get('/things').set('Authorization', `Bearer ${token}`).expect(401)
    expect(again.body.error).to.equal('token_revoked')
    expect((await refusal(wsUrl(b.url, '/live'), { headers: { Authorization: `Bearer ${token}` } })).status).to.equal(401)
  })

  it('mounts the admin API for a token that grants access/*, and a health endpoint', async () => {
    const { value: admin } = JSON.parse(await cli('access', 'token', 'create', '--name', 'admin', '--sub', 'ops', '--per', '{"hivegate":{"access/*":"CRUD"}}', '--json'))
    const { value: plain } = JSON.parse(await cli('access', 'token', 'create', '--name', 'plain', '--json'))
    const s = await serve()
    const health = await request(s.url).get('/hivegate/health').expect(200)
    expect(health.body).to.deep.include({ ok: true })
    expect(health.body.access).to.include({ ok: true, loaded: true, storeConnected: true })
    const listed = await request(s.url).get('/hivegate/access/api/tokens').set('Authorization', `Bearer ${admin}`).expect(200)
    expect(JSON.stringify(listed.body)).not.to.include(admin)
    await request(s.url).get('/hivegate/access/api/tokens').set('Authorization', `Bearer ${plain}`).expect(403)
    await request(s.url).get('/hivegate/access/api/tokens').expect(401)
    // Not a gateway route: nothing reached the upstream.
    expect(upstream.requests.some((r) => r.url.startsWith('/hivegate'))).to.equal(false)
  })

  it('closes connections on request (connections close --jti), without revoking', async () => {
    const { value: token, token: record } = JSON.parse(await cli('access', 'token', 'create', '--name', 'kick-me', '--sub', 'kick', '--json'))
    const s = await serve()
    const socket = await connect(wsUrl(s.url, '/live'), { headers: { Authorization: `Bearer ${token}` } })
    await cli('access', 'connections', 'close', '--jti', record.id)
    expect((await socket.closed).code).to.equal(1008)
    await request(s.url).get('/things').set('Authorization', `Bearer ${token}`).expect(200)
  })
})
