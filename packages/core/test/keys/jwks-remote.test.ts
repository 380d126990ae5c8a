import { expect } from 'chai'
import { gzipSync } from 'node:zlib'
import { createManualClock, type ManualClock } from '../../src/clock.js'
import { createKeyStore, type KeyStore } from '../../src/keys/index.js'
import type { VerifierEvent } from '../../src/keys/events.js'
import type { RemoteJwksOptions } from '../../src/keys/options.js'
import { keyPair, jwks, secret } from '../../../../test/helpers/keys.js'
import { startJwksServer, type JwksServer } from '../../../../test/helpers/jwks-server.js'
import { refusal, selectSync, thrown } from './support.js'

const SECOND = 1000
const MINUTE = 60 * SECOND

describe('keys: remote JWKS', () => {
  const rs = keyPair('RS256', 'rs-1')
  const es = keyPair('ES256', 'es-1')
  const next = keyPair('RS256', 'rs-2')
  let server: JwksServer
  let clock: ManualClock
  let events: VerifierEvent[]
  let stores: KeyStore[]

  function remote(options: Partial<RemoteJwksOptions> = {}, extra: { secrets?: Record<string, Uint8Array> } = {}): KeyStore {
    const s = createKeyStore({
      keys: { jwks: { url: server.url, allowHttp: true, ...options }, ...extra },
      clock,
      onEvent: (e) => events.push(e),
    })
    stores.push(s)
    return s
  }
  const types = () => events.map((e) => e.type)

  beforeEach(async () => {
    server = await startJwksServer(jwks(rs, es))
    clock = createManualClock(Date.parse('2030-01-01T00:00:00Z'))
    events = []
    stores = []
  })
  afterEach(async () => {
    for (const s of stores) s.close?.()
    await server.close()
  })

  it('fetches on first need, then answers synchronously from the cache', async () => {
    const s = remote()
    expect([...s.algorithms]).to.have.length(10)
    expect(server.fetches).to.equal(0)
    const pending = s.select({ alg: 'RS256', kid: rs.kid }, {})
    expect(pending).to.be.instanceOf(Promise)
    const [key] = await pending
    expect(key!.key.equals(rs.publicKey)).to.equal(true)
    expect(key!.algorithms).to.deep.equal(['RS256'])
    expect(selectSync(s, { alg: 'ES256', kid: es.kid })[0]!.key.equals(es.publicKey)).to.equal(true)
    expect(server.fetches).to.equal(1)
    expect(events).to.deep.equal([{ type: 'jwks_fetched', url: server.url, keys: 2 }])
  })

  it('shares one fetch between 1000 concurrent selections (single flight)', async () => {
    const s = remote()
    server.hold()
    const arrived = server.nextFetch()
    const selections = Array.from({ length: 1000 }, (_, i) => s.select({ alg: i % 2 ? 'RS256' : 'ES256', kid: i % 2 ? rs.kid : es.kid }, {}))
    await arrived
    server.release()
    const results = await Promise.all(selections)
    expect(results.every((r) => r.length === 1)).to.equal(true)
    expect(server.fetches).to.equal(1)
  })

  it('shares one fetch between 1000 concurrent selections of a new kid after rotation', async () => {
    const s = remote({ cooldown: 10 * SECOND })
    await s.select({ alg: 'RS256', kid: rs.kid }, {})
    server.document = jwks(rs, next)
    clock.advance(10 * SECOND)
    server.hold()
    const arrived = server.nextFetch()
    const selections = Array.from({ length: 1000 }, () => s.select({ alg: 'RS256', kid: next.kid }, {}))
    await arrived
    server.release()
    const results = await Promise.all(selections)
    expect(results.every((r) => r[0]!.key.equals(next.publicKey))).to.equal(true)
    expect(server.fetches).to.equal(2)
  })

  it('picks up a rotated key through the unknown-kid refetch, and drops removed keys', async () => {
    const s = remote({ cooldown: 30 * SECOND })
    await s.select({ alg: 'RS256', kid: rs.kid }, {})
    server.document = jwks(next)
    await refusal(() => s.select({ alg: 'RS256', kid: next.kid }, {}))
    expect(server.fetches).to.equal(1)
    clock.advance(30 * SECOND)
    const [key] = await s.select({ alg: 'RS256', kid: next.kid }, {})
    expect(key!.key.equals(next.publicKey)).to.equal(true)
    expect(server.fetches).to.equal(2)
    await refusal(() => s.select({ alg: 'RS256', kid: rs.kid }, {}))
  })

  it('refetches unknown kids at most once per cooldown period', async () => {
    const cooldown = 30 * SECOND
    const s = remote({ cooldown, cacheMaxAge: 24 * 60 * MINUTE })
    await s.select({ alg: 'RS256', kid: rs.kid }, {})
    const start = clock.now()
    for (let i = 0; i < 200; i++) {
      await refusal(() => s.select({ alg: 'RS256', kid: `random-${Math.random()}` }, {}))
      clock.advance(cooldown / 7)
    }
    const periods = Math.ceil((clock.now() - start) / cooldown)
    expect(server.fetches - 1).to.be.at.most(periods).and.at.least(periods - 1)
    // One cooldown event per fetch window, however many unknown kids arrive.
    const cooldowns = types().filter((t) => t === 'jwks_cooldown').length
    expect(cooldowns).to.be.at.least(1).and.at.most(server.fetches)
    const cooled = events.find((e) => e.type === 'jwks_cooldown')
    expect(cooled).to.have.property('kid').that.matches(/^random-/)
  })

  it('quotes an unknown kid in the cooldown event only as short printable ASCII, so it cannot forge log lines', async () => {
    const s = remote({ cooldown: 30 * SECOND })
    await s.select({ alg: 'RS256', kid: rs.kid }, {})
    await refusal(() => s.select({ alg: 'RS256', kid: `evil\r\n2030-01-01 INFO admin logged in\u001b[2K\u2028${'x'.repeat(500)}` }, {}))
    const cooled = events.find((e) => e.type === 'jwks_cooldown') as { kid: string }
    expect(cooled.kid).to.equal(`evil??2030-01-01 INFO admin logged in?[2K?${'x'.repeat(500)}`.slice(0, 64))
  })

  it('answers known kids synchronously while an unknown-kid refetch is in flight', async () => {
    const s = remote({ cooldown: 0 })
    await s.select({ alg: 'RS256', kid: rs.kid }, {})
    server.hold()
    const arrived = server.nextFetch()
    const refetch = s.select({ alg: 'RS256', kid: 'unknown' }, {})
    await arrived
    expect(selectSync(s, { alg: 'ES256', kid: es.kid })).to.have.length(1)
    server.release()
    await refusal(() => refetch)
    expect(server.fetches).to.equal(2)
  })

  it('refuses a kid unknown right after a fetch without fetching again', async () => {
    const s = remote()
    await refusal(() => s.select({ alg: 'RS256', kid: 'never-seen' }, {}))
    await refusal(() => s.select({ alg: 'RS256', kid: 'never-seen-either' }, {}))
    expect(server.fetches).to.equal(1)
  })

  it('refetches once the cache max age has passed', async () => {
    const s = remote({ cacheMaxAge: 5 * MINUTE })
    await s.select({ alg: 'RS256', kid: rs.kid }, {})
    clock.advance(5 * MINUTE - 1)
    selectSync(s, { alg: 'RS256', kid: rs.kid })
    clock.advance(1)
    await s.select({ alg: 'RS256', kid: rs.kid }, {})
    expect(server.fetches).to.equal(2)
  })

  it('answers keys_unavailable when the endpoint does not answer within the timeout', async () => {
    server.behaviour = 'hang'
    const s = remote({ timeout: 300 })
    const err = await refusal(() => s.select({ alg: 'RS256', kid: rs.kid }, {}), 'keys_unavailable')
    expect(err.status).to.equal(503)
    expect(events).to.deep.equal([{ type: 'jwks_fetch_failed', url: server.url, error: 'no response within 300 ms' }])
  })

  it('stops reading a response larger than maxResponseSize, with or without Content-Length', async () => {
    server.behaviour = 'oversized'
    const s = remote({ maxResponseSize: 64 * 1024 })
    await refusal(() => s.select({ alg: 'RS256', kid: rs.kid }, {}), 'keys_unavailable')
    expect(events.at(-1)).to.deep.include({ type: 'jwks_fetch_failed', error: 'response larger than 65536 bytes' })

    const body = JSON.stringify(jwks(rs))
    server.behaviour = 'custom'
    server.handler = (_req, res) => res.writeHead(200, { 'content-length': String(body.length) }).end(body)
    const small = remote({ maxResponseSize: body.length - 1 })
    await refusal(() => small.select({ alg: 'RS256', kid: rs.kid }, {}), 'keys_unavailable')
    const exact = remote({ maxResponseSize: body.length })
    expect(await exact.select({ alg: 'RS256', kid: rs.kid }, {})).to.have.length(1)
  })

  it('bounds the whole exchange by the timeout: a body dripped a byte at a time is cut off', async () => {
    server.behaviour = 'custom'
    const drips = new Set<NodeJS.Timeout>()
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).write('{"keys":[')
      const drip = setInterval(() => res.write(' '), 20)
      drips.add(drip)
      res.on('close', () => clearInterval(drip))
    }
    const s = remote({ timeout: 300 })
    await refusal(() => s.select({ alg: 'RS256', kid: rs.kid }, {}), 'keys_unavailable')
    for (const drip of drips) clearInterval(drip)
    expect(events).to.deep.equal([{ type: 'jwks_fetch_failed', url: server.url, error: 'no response within 300 ms' }])
  })

  it('applies maxResponseSize to the decompressed body: a gzip bomb is refused', async () => {
    // 16 MiB of spaces compress to about 16 KiB; fetch decompresses transparently.
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"keys":['), Buffer.alloc(16 * 2 ** 20, 0x20), Buffer.from(']}')]))
    server.behaviour = 'custom'
    server.handler = (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) }).end(bomb)
    const s = remote({ maxResponseSize: 256 * 1024 })
    await refusal(() => s.select({ alg: 'RS256', kid: rs.kid }, {}), 'keys_unavailable')
    expect(events).to.deep.equal([{ type: 'jwks_fetch_failed', url: server.url, error: 'response larger than 262144 bytes' }])
  })

  it('refuses malformed documents, error statuses and redirects', async () => {
    const bodies = ['', 'not json', '[]', 'null', '{"keys":{}}', '{"keys":[1]}', '{"keys":[{"kty":1}]}', '{"keys":[{"kty":"EC","kid":5}]}']
    for (const body of bodies) {
      server.behaviour = 'malformed'
      server.body = body
      await refusal(() => remote().select({ alg: 'RS256', kid: rs.kid }, {}), 'keys_unavailable')
    }
    server.behaviour = 'fail'
    await refusal(() => remote().select({ alg: 'RS256', kid: rs.kid }, {}), 'keys_unavailable')
    server.behaviour = 'custom'
    server.handler = (_req, res) => res.writeHead(302, { location: 'https://elsewhere.example/jwks' }).end()
    await refusal(() => remote().select({ alg: 'RS256', kid: rs.kid }, {}), 'keys_unavailable')
    const failures = events.filter((e) => e.type === 'jwks_fetch_failed')
    expect(failures).to.have.length(bodies.length + 2)
    expect(failures.at(-1)).to.deep.include({ error: 'expected status 200, got 302' })
  })

  it('skips unusable keys of a remote set and never takes a symmetric key from it', async () => {
    const oct = { kty: 'oct', kid: 'oct', alg: 'HS256', k: secret(32).toString('base64url') }
    const weak = { kty: 'RSA', kid: 'weak', n: 'AQAB', e: 'AQAB' }
    server.document = { keys: [oct, weak, { ...es.publicJwk, use: 'enc', kid: 'enc' }, rs.publicJwk] }
    const s = remote({}, { secrets: { local: secret() } })
    expect(await s.select({ alg: 'RS256', kid: rs.kid }, {})).to.have.length(1)
    expect(events[0]).to.deep.include({ type: 'jwks_fetched', keys: 1 })
    for (const [alg, kid] of [['HS256', 'oct'], ['RS256', 'weak'], ['ES256', 'enc']]) {
      await refusal(() => s.select({ alg: alg!, kid }, {}))
    }
  })

  it('keeps serving the last good keys for staleIfError while the endpoint fails', async () => {
    const s = remote({ cacheMaxAge: 10 * MINUTE, staleIfError: 60 * MINUTE, cooldown: 30 * SECOND })
    await s.select({ alg: 'RS256', kid: rs.kid }, {})
    server.behaviour = 'fail'
    clock.advance(10 * MINUTE)
    const [stale] = await s.select({ alg: 'RS256', kid: rs.kid }, {})
    expect(stale!.key.equals(rs.publicKey)).to.equal(true)
    expect(types()).to.deep.equal(['jwks_fetched', 'jwks_fetch_failed', 'jwks_stale'])
    expect(events[2]).to.deep.equal({ type: 'jwks_stale', url: server.url, age: 10 * MINUTE })

    // Within the cooldown after a failure the endpoint is left alone.
    selectSync(s, { alg: 'RS256', kid: rs.kid })
    expect(server.fetches).to.equal(2)
    clock.advance(30 * SECOND)
    await s.select({ alg: 'RS256', kid: rs.kid }, {})
    expect(server.fetches).to.equal(3)

    clock.advance(60 * MINUTE)
    await refusal(() => s.select({ alg: 'RS256', kid: rs.kid }, {}), 'keys_unavailable')
    server.behaviour = 'serve'
    clock.advance(30 * SECOND)
    expect(await s.select({ alg: 'RS256', kid: rs.kid }, {})).to.have.length(1)
  })

  it('applies the no-kid rule across the remote set', async () => {
    server.document = jwks(rs, es)
    const s = remote()
    expect((await s.select({ alg: 'ES256' }, {}))[0]!.key.equals(es.publicKey)).to.equal(true)
    server.document = jwks(rs, next)
    const two = remote()
    await refusal(() => two.select({ alg: 'RS256' }, {}))
  })

  it('sends the configured headers and logs the URL without its query', async () => {
    let seen: string | undefined
    server.behaviour = 'custom'
    server.handler = (req, res) => {
      seen = req.headers['x-api-key'] as string
      res.end(JSON.stringify(jwks(rs)))
    }
    const url = new URL(server.url)
    url.search = '?token=abc'
    const s = remote({ url: url.href, headers: { 'x-api-key': 'k1' } })
    await s.select({ alg: 'RS256', kid: rs.kid }, {})
    expect(seen).to.equal('k1')
    expect(events[0]).to.deep.include({ url: server.url })
    expect(JSON.stringify(events)).to.not.include(rs.publicJwk.n!.slice(0, 20))
  })

  it('stops on close: a request in flight is aborted and no new one is made', async () => {
    server.behaviour = 'hang'
    const s = remote({ timeout: 60 * SECOND })
    const arrived = server.nextFetch()
    const pending = s.select({ alg: 'RS256', kid: rs.kid }, {})
    await arrived
    s.close?.()
    await refusal(() => pending, 'keys_unavailable')
    clock.advance(60 * MINUTE)
    await refusal(() => s.select({ alg: 'RS256', kid: rs.kid }, {}), 'keys_unavailable')
    expect(server.fetches).to.equal(1)
  })

  describe('maxKeys and duplicate kids', () => {
    const many = (n: number) => ({ keys: Array.from({ length: n }, (_, i) => ({ ...es.publicJwk, kid: `k${i}` })) })

    it('refuses a set of more than maxKeys (default 100) keys like an oversized response', async () => {
      server.document = many(101)
      await refusal(() => remote().select({ alg: 'ES256', kid: 'k0' }, {}), 'keys_unavailable')
      expect(events).to.deep.equal([{ type: 'jwks_fetch_failed', url: server.url, error: 'response holds 101 keys, more than maxKeys (100)' }])
      server.document = many(100)
      clock.advance(30 * SECOND)
      expect(await remote().select({ alg: 'ES256', kid: 'k99' }, {})).to.have.length(1)
      expect(events.at(-1)).to.deep.include({ type: 'jwks_fetched', keys: 100 })
    })

    it('keeps serving the last good keys within staleIfError when the set outgrows maxKeys', async () => {
      server.document = many(3)
      const s = remote({ maxKeys: 3, cacheMaxAge: 10 * MINUTE, staleIfError: 60 * MINUTE })
      await s.select({ alg: 'ES256', kid: 'k0' }, {})
      server.document = many(4)
      clock.advance(10 * MINUTE)
      expect(await s.select({ alg: 'ES256', kid: 'k0' }, {})).to.have.length(1)
      expect(events.slice(1)).to.deep.equal([
        { type: 'jwks_fetch_failed', url: server.url, error: 'response holds 4 keys, more than maxKeys (3)' },
        { type: 'jwks_stale', url: server.url, age: 10 * MINUTE },
      ])
      expect(server.fetches).to.equal(2)
      clock.advance(60 * MINUTE)
      await refusal(() => s.select({ alg: 'ES256', kid: 'k0' }, {}), 'keys_unavailable')
    })

    it('keeps one key per (kid, alg): the first; a later duplicate keeps only algorithms no earlier key has', async () => {
      const twin = keyPair('ES256', es.kid)
      const rsSameKid = keyPair('RS256', es.kid)
      const { alg: _alg, ...anyRsa } = next.publicJwk
      server.document = { keys: [es.publicJwk, twin.publicJwk, rsSameKid.publicJwk, { ...anyRsa, kid: es.kid }] }
      const s = remote()
      const [ecKey, ...more] = await s.select({ alg: 'ES256', kid: es.kid }, {})
      expect(more).to.have.length(0)
      expect(ecKey!.key.equals(es.publicKey)).to.equal(true)
      const rsKeys = selectSync(s, { alg: 'RS256', kid: es.kid })
      expect(rsKeys).to.have.length(1)
      expect(rsKeys[0]!.key.equals(rsSameKid.publicKey)).to.equal(true)
      // The alg-less RSA key only adds what no earlier key with this kid verifies.
      const ps = selectSync(s, { alg: 'PS256', kid: es.kid })
      expect(ps).to.have.length(1)
      expect(ps[0]!.key.equals(next.publicKey)).to.equal(true)
      expect(ps[0]!.algorithms).to.not.include('RS256')
      expect(events).to.deep.equal([{ type: 'jwks_fetched', url: server.url, keys: 3 }])
    })
  })

  it('validates its options, naming them', () => {
    const mk = (jwksOption: unknown) => thrown(() => createKeyStore({ keys: { jwks: jwksOption as string }, clock }))
    expect(mk('http://127.0.0.1/jwks').message).to.equal('"keys.jwks.url" must be an https: URL (http: only with "allowHttp: true")')
    expect(mk('ftp://x.example/jwks').message).to.match(/^"keys\.jwks\.url" must be an https: URL/)
    expect(mk('https://user:pass@x.example/jwks').message).to.equal('"keys.jwks.url" must not contain credentials; send them in "headers"')
    expect(mk('not a url').message).to.equal('"keys.jwks.url" must be an absolute URL')
    expect(mk({ url: 'https://x.example', timeout: 0 })).to.be.instanceOf(RangeError)
    expect(mk({ url: 'https://x.example', timeout: 0 }).message).to.match(/^"keys\.jwks\.timeout" must be a finite number between 1 and/)
    expect(mk({ url: 'https://x.example', cooldown: -1 }).message).to.match(/^"keys\.jwks\.cooldown" must be a non-negative integer/)
    expect(mk({ url: 'https://x.example', maxResponseSize: Infinity }).message).to.match(/^"keys\.jwks\.maxResponseSize" must be a positive integer/)
    expect(mk({ url: 'https://x.example', staleIfError: '1h' })).to.be.instanceOf(TypeError)
    expect(mk({ url: 'https://x.example', maxKeys: 0 }).message).to.match(/^"keys\.jwks\.maxKeys" must be a positive integer/)
    expect(mk({ url: 'https://x.example', maxKeys: 1.5 })).to.be.instanceOf(RangeError)
    expect(mk({ url: 'https://x.example', cacheMaxAge: 0 }).message).to.match(/^"keys\.jwks\.cacheMaxAge" must be a positive integer/)
    expect(mk({ url: 'https://x.example', headers: { a: 1 } }).message).to.equal('"keys.jwks.headers" must be an object of strings')
    expect(mk({ url: 'https://x.example', allowHttp: 'yes' }).message).to.match(/^"keys\.jwks\.allowHttp" must be true or false/)
    expect(() => createKeyStore({ keys: { jwks: new URL('https://idp.example/jwks') }, clock })).to.not.throw()
  })
})
