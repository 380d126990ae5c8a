// Sends every hostile token (test/helpers/hostile.ts) through an HTTP adapter, in the
// Authorization header and in the cookie: each must be refused with a 4xx that echoes nothing.
import { expect } from 'chai'
import { createServer, type RequestListener, type Server } from 'node:http'
import request from 'supertest'
import { createManualClock, createVerifier } from '@hivegate/core'
import { hostileSetup, hostileTokens, hostileVerifierOptions, validToken, type HostileSetup, type HostileToken } from './hostile.js'
import { close, listen } from './listen.js'
import { rawExchange } from './raw-http.js'

/** An app that listens by itself (e.g. Fastify's `app.listen`): `start` answers its base URL. */
export interface SelfListeningApp {
  start(): Promise<string>
  stop(): Promise<void>
}

/**
 * Builds the adapter's app with `hivegate(options)` in front of `ALL /whoami` (200 when
 * authenticated): a request listener served on 127.0.0.1 port 0, or an app that listens itself.
 */
export type HostileAppFactory = (options: Record<string, unknown>) => RequestListener | SelfListeningApp

/** Starts the app on 127.0.0.1 port 0; `stop` closes it. */
async function serve(app: RequestListener | SelfListeningApp): Promise<{ base: string; stop(): Promise<void> }> {
  if (typeof app !== 'function') return { base: await app.start(), stop: () => app.stop() }
  const server: Server = createServer(app)
  return { base: await listen(server), stop: () => close(server) }
}

interface Answer {
  status: number
  /** Status line, headers and body as received. */
  raw: string
  body: { error?: string; error_description?: string }
}

// Bytes Node's HTTP client refuses to put in a header value (RFC 9110 §5.5 field-value).
const NOT_SENDABLE = /[^\t\x20-\x7e\x80-\xff]/
// A compact JWS of b64token characters only: every source hands it to the verifier.
const PLAIN_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/
// Node's default limit on the request head; larger ones get 431 before any middleware runs.
const MAX_HEADER_BYTES = 16 * 1024

/** Fragments of `token` that must never reach a client: its parts and the strings in its JSON. */
function fragmentsOf(token: string): string[] {
  const parts = token.split('.')
  const fragments = parts.filter((part) => part.length >= 8)
  for (const part of parts) {
    const text = Buffer.from(part, 'base64url').toString('utf8')
    for (const match of text.matchAll(/"(?:kid|alg|iss|aud|sub|jti|jku|x5u)":"([^"]{4,})"/g)) fragments.push(match[1]!)
  }
  return fragments
}

// Writes the request as raw bytes, for values the HTTP client library will not send.
function rawRequest(base: string, header: string): Promise<Answer> {
  return rawAnswer(base, `GET /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n${header}\r\nConnection: close\r\n\r\n`)
}

// Sends `head` on a fresh socket; Node's own 400/431 answers carry no JSON body.
async function rawAnswer(base: string, head: string): Promise<Answer> {
  const raw = await rawExchange(base, head)
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0)
  let body: Answer['body'] = {}
  try {
    body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Answer['body']
  } catch {
    // not JSON: left empty
  }
  return { status, raw, body }
}

async function send(base: string, name: 'authorization' | 'cookie' | 'both', value: string, bearer = value): Promise<Answer> {
  if (name === 'both') {
    const cookie = `hg_token=${value}`
    const authorization = `Bearer ${bearer}`
    if (NOT_SENDABLE.test(cookie) || NOT_SENDABLE.test(authorization)) return rawRequest(base, `cookie: ${cookie}\r\nauthorization: ${authorization}`)
    const res = await request(base).get('/whoami').set('cookie', cookie).set('authorization', authorization).ok(() => true)
    return { status: res.status, raw: `${JSON.stringify(res.headers)}\r\n\r\n${res.text}`, body: res.body as Answer['body'] }
  }
  if (NOT_SENDABLE.test(value)) return rawRequest(base, `${name}: ${value}`)
  const res = await request(base).get('/whoami').set(name, value).ok(() => true)
  const headers = Object.entries(res.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\r\n')
  return { status: res.status, raw: `${headers}\r\n\r\n${res.text}`, body: res.body as Answer['body'] }
}

function check(hostile: HostileToken, value: string, answer: Answer): void {
  const label = hostile.name
  expect(answer.status, label).to.be.within(400, 499)
  for (const fragment of fragmentsOf(hostile.token)) expect(answer.raw.includes(fragment), `${label} echoes the token`).to.equal(false)
  if (answer.status === 431) {
    expect(Buffer.byteLength(value), `${label}: 431 only for a head over Node's limit`).to.be.greaterThan(MAX_HEADER_BYTES - 1024)
  } else if (answer.status === 401 || PLAIN_JWS.test(hostile.token)) {
    expect(answer.status, label).to.equal(401)
    expect(answer.body.error, label).to.equal(hostile.code)
  } else {
    // Not a token shape a source hands on: the HTTP parser (Node: no body; Fastify's clientErrorHandler:
    // its own JSON) or the resolver (an RFC 6750 body) refuses it.
    expect(answer.status, label).to.equal(400)
    if ('error_description' in answer.body) expect(answer.body.error, label).to.equal('invalid_request')
  }
}

/** Every hostile token, by header and by cookie, through `createApp`: a 4xx, never 2xx/5xx, never an echo. */
export function describeHostileTokens(name: string, createApp: HostileAppFactory): void {
  describe(`${name}: hostile tokens`, () => {
    let setup: HostileSetup
    let list: HostileToken[]
    let served: { base: string; stop(): Promise<void> } | undefined
    let base: string

    before(async () => {
      setup = hostileSetup()
      list = await hostileTokens(setup)
      const verifier = createVerifier({ ...hostileVerifierOptions(setup), clock: createManualClock(setup.now * 1000) })
      verifier.revocations.revoke(setup.revokedJti)
      served = await serve(createApp({ verifier, realm: 'api' }))
      base = served.base
    })

    after(async () => {
      await served?.stop()
    })

    it('accepts the valid control token by header and by cookie', async () => {
      const token = validToken(setup)
      expect((await send(base, 'authorization', `Bearer ${token}`)).status).to.equal(200)
      expect((await send(base, 'cookie', `hg_token=${token}`)).status).to.equal(200)
    })

    it('refuses every one in the Authorization header', async () => {
      for (const hostile of list) {
        const value = `Bearer ${hostile.token}`
        check(hostile, value, await send(base, 'authorization', value))
      }
    })

    it('refuses every one in the hg_token cookie', async () => {
      for (const hostile of list) {
        const value = `hg_token=${hostile.token}`
        check(hostile, value, await send(base, 'cookie', value))
      }
    })

    it('refuses every one in the cookie and the header at once, and in the cookie beside a valid Bearer token', async () => {
      const valid = validToken(setup)
      for (const hostile of list) {
        const value = `hg_token=${hostile.token}; Bearer ${hostile.token}`
        check(hostile, value, await send(base, 'both', hostile.token))
        // The cookie comes first and decides: a valid header behind it never rescues the request.
        const cookieDecides = await send(base, 'both', hostile.token, valid)
        if (hostile.token === '') expect(cookieDecides.status, `${hostile.name}: an empty cookie is none`).to.equal(200)
        else check(hostile, value, cookieDecides)
      }
    })
  })

  describe(`${name}: malformed requests on a raw socket`, () => {
    let served: { base: string; stop(): Promise<void> } | undefined
    let base: string
    let token: string

    before(async () => {
      const setup = hostileSetup()
      token = validToken(setup)
      const verifier = createVerifier({ ...hostileVerifierOptions(setup), clock: createManualClock(setup.now * 1000) })
      served = await serve(createApp({ verifier, realm: 'api' }))
      base = served.base
    })

    after(async () => {
      await served?.stop()
    })

    const cookiePost = (lines: string, method = 'POST', version = '1.1') =>
      rawAnswer(base, `${method} /whoami HTTP/${version}\r\n${lines}Cookie: hg_token=${token}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)

    it('controls: the same-origin POST passes, a cross-site one is refused', async () => {
      expect((await cookiePost('Host: api.example\r\nOrigin: http://api.example\r\n')).status).to.equal(200)
      expect((await cookiePost('Host: api.example\r\nOrigin: http://evil.example\r\n')).status).to.equal(403)
    })

    it('never lets a lower-case or unknown method through as safe', async () => {
      for (const method of ['post', 'get', 'Post', 'FOO', 'GET\tX']) {
        const answer = await cookiePost('Host: api.example\r\nOrigin: http://evil.example\r\n', method)
        expect(answer.status, method).to.be.within(400, 499)
      }
    })

    it('refuses a cookie POST without a Host to compare with (HTTP/1.0)', async () => {
      const answer = await cookiePost('Origin: http://api.example\r\n', 'POST', '1.0')
      expect(answer.status).to.equal(403)
      expect(answer.body.error).to.equal('origin_not_allowed')
    })

    it('compares a duplicated Host by the value the app sees, so a forged second line gains nothing', async () => {
      const answer = await cookiePost('Host: evil.example\r\nHost: api.example\r\nOrigin: http://api.example\r\n')
      expect(answer.status).to.equal(403)
    })

    it('answers HEAD with a refusal that has no body', async () => {
      const answer = await rawAnswer(base, 'HEAD /whoami HTTP/1.1\r\nHost: api.example\r\nConnection: close\r\n\r\n')
      expect(answer.status).to.equal(401)
      expect(answer.raw).to.match(/\r\nwww-authenticate: Bearer realm="api"\r\n/i)
      expect(answer.raw.endsWith('\r\n\r\n')).to.equal(true)
    })
  })
}
