// Requests no HTTP client would send, written byte by byte against a real gateway.
import { expect } from 'chai'
import { createServer, type Server } from 'node:http'
import { createGateway, type Gateway } from '@hivegate/proxy'
import { rawExchange, rawStatus, startEchoUpstream, type EchoUpstream } from '../helpers/gateway-kit.js'
import { secret } from '../helpers/keys.js'
import { close, listen } from '../helpers/listen.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../helpers/tokens.js'
import { connect } from '../helpers/ws-client.js'

const key = secret()
const auth = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': key } } }
const routes = [
  { path: '/public/*', public: true },
  { path: '/admin/*', permission: ['admin', '*', 'R'] as [string, string, string] },
]

describe('gateway: raw HTTP attacks', () => {
  let upstream: EchoUpstream
  let gateway: Gateway
  let base: string
  let token: string
  let A: string

  before(async () => {
    upstream = await startEchoUpstream()
    token = await mint({ key })
    A = `Authorization: Bearer ${token}\r\n`
    gateway = createGateway({ target: upstream.url, auth, routes })
    base = (await gateway.listen(0)).origin
  })
  after(async () => {
    await gateway.close()
    await upstream.close()
  })

  async function exchange(text: string): Promise<{ status: number; reached: number; response: string }> {
    const before = upstream.requests.length
    const response = await rawExchange(base, text)
    return { status: rawStatus(response), reached: upstream.requests.length - before, response }
  }

  it('removes identity headers sent with "_" for "-" (CGI, WSGI and PHP read them as the same variable)', async () => {
    const { status } = await exchange(
      `GET /api HTTP/1.1\r\nHost: x\r\n${A}x_hivegate_sub: admin\r\nX_Hivegate-Tenant: t2\r\nx-hivegate_claims: e30\r\nConnection: close\r\n\r\n`,
    )
    expect(status).to.equal(200)
    const seen = upstream.requests.at(-1)!
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase().replace(/_/g, '-'))
    expect(names.filter((n) => n === 'x-hivegate-sub')).to.deep.equal(['x-hivegate-sub'])
    expect(names.filter((n) => n === 'x-hivegate-tenant')).to.have.length(1)
    expect(seen.headers['x-hivegate-sub']).to.equal('johndoe')
    expect(seen.headers['x_hivegate_sub']).to.equal(undefined)
  })

  it('removes "_" identity spoofs from a WebSocket upgrade before the upstream handshake', async () => {
    const opened = upstream.nextSocket()
    const client = await connect(`${base.replace(/^http/, 'ws')}/live`, {
      headers: { Authorization: `Bearer ${token}`, x_hivegate_sub: 'admin', 'X_Hivegate_Tenant': 't2' },
    })
    await opened
    const seen = upstream.upgrades.at(-1)!
    expect(Object.keys(seen).filter((n) => /hivegate/i.test(n)).sort()).to.deep.equal(['x-hivegate-claims', 'x-hivegate-sub', 'x-hivegate-tenant'])
    expect(seen['x-hivegate-sub']).to.equal('johndoe')
    await client.close()
  })

  it('leaves malformed identity headers to Node: a space before the colon and obs-fold get 400', async () => {
    for (const header of ['x-hivegate-sub : admin', 'X-Foo: a\r\n x-hivegate-sub: admin']) {
      const { status, reached } = await exchange(`GET /api HTTP/1.1\r\nHost: x\r\n${A}${header}\r\nConnection: close\r\n\r\n`)
      expect(status, header).to.equal(400)
      expect(reached).to.equal(0)
    }
  })

  it('never forwards chunked trailers (an identity header there is not seen upstream)', async () => {
    const { status } = await exchange(
      `POST /api HTTP/1.1\r\nHost: x\r\n${A}Transfer-Encoding: chunked\r\nTrailer: x-hivegate-sub\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\nx-hivegate-sub: admin\r\n\r\n`,
    )
    expect(status).to.equal(200)
    expect(upstream.requests.at(-1)!.headers['x-hivegate-sub']).to.equal('johndoe')
  })

  it('refuses request smuggling before proxying: CL+TE, two Content-Length, TE not ending in chunked', async () => {
    const cases = [
      'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n',
      'Content-Length: 4\r\nContent-Length: 5\r\n',
      'Transfer-Encoding: chunked, identity\r\n',
    ]
    for (const framing of cases) {
      const { status, reached } = await exchange(`POST /public/x HTTP/1.1\r\nHost: x\r\n${framing}Connection: close\r\n\r\n0\r\n\r\nGET /admin/x HTTP/1.1\r\nHost: x\r\n\r\n`)
      expect(status, framing).to.equal(400)
      expect(reached, framing).to.equal(0)
    }
  })

  it('forwards an accepted Transfer-Encoding list as plain "chunked", so the upstream frames the body as Node did', async () => {
    const { status } = await exchange(`POST /public/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n`)
    expect(status).to.equal(200)
    expect(upstream.requests.at(-1)!.headers['transfer-encoding']).to.equal('chunked')
  })

  it('is never an open proxy: absolute-form targets, CONNECT and OPTIONS * are refused', async () => {
    for (const line of ['GET http://127.0.0.1:1/public/x HTTP/1.1', 'GET http://evil.example/admin/x HTTP/1.1', 'OPTIONS * HTTP/1.1']) {
      const { status, reached } = await exchange(`${line}\r\nHost: x\r\n${A}Connection: close\r\n\r\n`)
      expect(status, line).to.equal(400)
      expect(reached).to.equal(0)
    }
    const connect = await exchange('CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n')
    expect(connect.status).to.be.oneOf([0, 400])
    expect(connect.reached).to.equal(0)
  })

  it('serves HTTP/1.0 without Host, sending the target host upstream', async () => {
    const { status } = await exchange('GET /public/x HTTP/1.0\r\n\r\n')
    expect(status).to.equal(200)
    expect(upstream.requests.at(-1)!.headers.host).to.equal(new URL(upstream.url).host)
  })

  it('refuses ";" path parameters, which Tomcat, Jetty and Spring strip (/admin;x/users, /public/..;/admin)', async () => {
    for (const path of ['/admin;x/users', '/public/..;/admin/users', '/public;/x', '/admin/x;jsessionid=1']) {
      const { status, reached } = await exchange(`GET ${path} HTTP/1.1\r\nHost: x\r\n${A}Connection: close\r\n\r\n`)
      expect(status, path).to.equal(400)
      expect(reached).to.equal(0)
    }
  })

  it('applies rules to the decoded, case-folded path: %61dmin and ADMIN still need the admin permission', async () => {
    for (const path of ['/%61dmin/x', '/ADMIN/x', '/admin/', '/admin']) {
      const { status, reached } = await exchange(`GET ${path} HTTP/1.1\r\nHost: x\r\n${A}Connection: close\r\n\r\n`)
      expect(status, path).to.equal(403)
      expect(reached).to.equal(0)
    }
  })

  it('answers Expect: 100-continue only once the request is authenticated', async () => {
    const head = (auth: string) => `POST /api HTTP/1.1\r\nHost: x\r\n${auth}Expect: 100-continue\r\nContent-Length: 3\r\nConnection: close\r\n\r\n`
    const refused = await exchange(head(''))
    expect(refused.status).to.equal(401)
    expect(refused.response).not.to.include('100 Continue')
    expect(refused.reached).to.equal(0)
    const allowed = await exchange(`${head(A)}abc`)
    expect(allowed.status).to.equal(100)
    expect(allowed.response).to.match(/\r\n\r\nHTTP\/1\.1 200 OK\r\n/)
    expect(upstream.requests.at(-1)!.headers.expect).to.equal(undefined)
  })

  it('refuses h2c upgrades (never tunnelled) on public and private routes', async () => {
    for (const path of ['/public/x', '/api']) {
      const { status, reached } = await exchange(
        `GET ${path} HTTP/1.1\r\nHost: x\r\n${A}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`,
      )
      expect(status, path).to.equal(400)
      expect(reached).to.equal(0)
    }
  })
})

describe('gateway: what the upstream answers', () => {
  let upstream: Server
  let gateway: Gateway | undefined
  let upstreamUrl: string
  let token: string

  before(async () => {
    token = await mint({ key })
    upstream = createServer((req, res) => {
      res.setHeader('set-cookie', ['hg_token=planted; Path=/; HttpOnly', 'theme=dark', ' hg_token =x'])
      res.writeHead(200, { 'x-hivegate-claims': 'leak', 'X-Hivegate-Sub': 'leak', x_hivegate_tenant: 'leak', 'x-kept': '1' }).end('ok')
    })
    upstreamUrl = await listen(upstream)
  })
  afterEach(() => gateway?.close())
  after(() => close(upstream))

  async function get(path: string, options: { upstreamAuthCookie?: 'strip' | 'pass' } = {}) {
    gateway = createGateway({ target: upstreamUrl, auth, routes, ...options })
    const base = (await gateway.listen(0)).origin
    return fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })
  }

  it('drops identity headers the upstream echoes back, on private and public routes', async () => {
    for (const path of ['/api', '/public/x']) {
      const res = await get(path)
      await gateway!.close()
      expect(res.status).to.equal(200)
      expect([...res.headers.keys()].filter((n) => /hivegate/i.test(n)), path).to.deep.equal([])
      expect(res.headers.get('x-kept')).to.equal('1')
    }
  })

  it('drops an upstream Set-Cookie for the auth cookie by default, keeping the others', async () => {
    const res = await get('/public/x')
    expect(res.headers.getSetCookie()).to.deep.equal(['theme=dark'])
  })

  it('passes it with upstreamAuthCookie: "pass", and validates the option', async () => {
    const res = await get('/public/x', { upstreamAuthCookie: 'pass' })
    expect(res.headers.getSetCookie()).to.include('hg_token=planted; Path=/; HttpOnly')
    expect(() => createGateway({ target: upstreamUrl, auth, upstreamAuthCookie: 'yes' as never })).to.throw(TypeError, '"upstreamAuthCookie"')
  })
})
