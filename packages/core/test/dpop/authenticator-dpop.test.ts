import { expect } from 'chai'
import { createHmac } from 'node:crypto'
import { secret } from '../../../../test/helpers/keys.js'
import { dpopKey, proof, type DpopKey } from '../../../../test/helpers/dpop.js'
import { rejects } from '../../../../test/helpers/listen.js'
import { b64url, mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../../test/helpers/tokens.js'
import { AuthError, createAuthenticator, createManualClock, type AuthenticatorOptions, type DpopOptions, type RequestView } from '@hivegate/core'

const SECRET = secret()
const START = Date.UTC(2026, 0, 1) // ms
const NOW = START / 1000
const URL_ = 'https://api.example/things/1'

function authenticatorWith(dpop: DpopOptions, extra: Partial<AuthenticatorOptions> = {}) {
  const clock = createManualClock(START)
  const authenticator = createAuthenticator({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': SECRET } }, clock, dpop, ...extra })
  return { authenticator, clock }
}

function view(headers: Record<string, string | undefined>, init: Partial<RequestView> = {}): RequestView {
  const clean: Record<string, string> = { host: 'api.example' }
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) clean[k] = v
  const rawHeaders = Object.entries(clean).flat()
  return { headers: clean, rawHeaders, method: 'GET', url: '/things/1?x=1', protocol: 'https', ...init }
}

async function refusal(promise: Promise<unknown>, code: string): Promise<AuthError> {
  const err = await rejects(promise)
  expect(err).to.be.instanceOf(AuthError)
  expect((err as AuthError).code, (err as AuthError).message).to.equal(code)
  return err as AuthError
}

describe('DPoP (RFC 9449) in the authenticator', () => {
  let key: DpopKey
  let other: DpopKey
  let bound: string
  let plain: string

  before(async () => {
    key = await dpopKey('ES256')
    other = await dpopKey('ES256', 'dpop-other')
    bound = await mint({ key: SECRET, now: NOW, claims: { cnf: { jkt: key.jkt } } })
    plain = await mint({ key: SECRET, now: NOW })
  })

  const dpopView = async (overrides: Partial<Parameters<typeof proof>[1]> = {}, signer?: DpopKey, token = bound) =>
    view({ authorization: `DPoP ${token}`, dpop: await proof(signer ?? key, { htm: 'GET', htu: URL_, token, iat: NOW, ...overrides }) })

  describe('required mode', () => {
    it('accepts a bound token with a valid proof, scheme in any casing', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required' })
      const auth = await authenticator.authenticate(await dpopView())
      expect(auth?.source).to.equal('dpop')
      expect(auth?.claims.cnf).to.deep.equal({ jkt: key.jkt })
      const lower = await dpopView()
      const again = { ...lower, headers: { ...lower.headers, authorization: `dpop ${bound}` } }
      expect((await authenticator.authenticate(again))?.subject).to.equal('johndoe')
    })

    it('accepts every asymmetric algorithm of the allowlist, RSA, PSS and EdDSA too', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required' })
      for (const alg of ['RS256', 'PS256', 'ES384', 'EdDSA'] as const) {
        const k = await dpopKey(alg)
        const token = await mint({ key: SECRET, now: NOW, claims: { cnf: { jkt: k.jkt } } })
        const auth = await authenticator.authenticate(await dpopView({ token }, k, token))
        expect(auth?.source, alg).to.equal('dpop')
      }
    })

    it('answers the same request authenticated twice (same raw headers) without calling it a replay', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required' })
      const v = await dpopView()
      await authenticator.authenticate(v)
      await authenticator.authenticate({ ...v })
      await refusal(authenticator.authenticate({ ...v, rawHeaders: [...v.rawHeaders!] }), 'invalid_dpop_proof')
    })

    it('refuses a Bearer token, bound or not, with a DPoP challenge', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required' })
      const err = await refusal(authenticator.authenticate(view({ authorization: `Bearer ${plain}` })), 'invalid_token')
      expect(err.headers['WWW-Authenticate']).to.match(/^DPoP error="invalid_token", error_description="[^"]+", algs="RS256 /)
      await refusal(authenticator.authenticate(view({ authorization: `Bearer ${bound}` })), 'invalid_token')
    })

    it('refuses an unbound token sent with the DPoP scheme', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required' })
      await refusal(authenticator.authenticate(await dpopView({}, key, plain)), 'invalid_token')
    })

    it('challenges a request without credentials with DPoP algs and no error', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required', algorithms: ['ES256', 'EdDSA'] }, { realm: 'api' })
      const err = await refusal(authenticator.authenticate(view({})), 'credentials_required')
      expect(err.headers['WWW-Authenticate']).to.equal('DPoP realm="api", algs="ES256 EdDSA"')
    })
  })

  describe('RFC 9449 §4.3: every check refuses', () => {
    // Each case must fail at its own check, not at an earlier one.
    const WHY: Record<string, RegExp> = {
      'missing proof': /no DPoP proof/, 'two DPoP headers': /more than one DPoP/, 'two DPoP headers joined by Node': /more than one DPoP/,
      'oversize proof': /too long/, 'not a JWS': /well-formed/, 'wrong typ': /"typ"/, 'no typ': /"typ"/, 'symmetric alg': /algorithm/,
      'alg none': /well-formed|algorithm/, 'private key in jwk': /public key/, 'no jwk': /"jwk"/, 'jwk of another key type than alg': /fit its algorithm/,
      'signature by another key than jwk': /signature/, 'wrong htm': /"htm"/, 'wrong htu host': /"htu"/, 'wrong htu path': /"htu"/,
      'wrong htu scheme': /"htu"/, 'htu of a WebSocket on a plain request': /"htu"/, 'old iat': /too old/, 'future iat': /future/,
      'no iat': /"iat"/, 'no jti': /"jti"/, 'oversize jti': /"jti"/, 'ath mismatch': /"ath"/, 'no ath': /"ath"/, 'cnf.jkt mismatch': /bound to/,
    }
    const cases: Array<[string, () => Promise<RequestView>, string?]> = [
      ['missing proof', async () => view({ authorization: `DPoP ${bound}` })],
      ['two DPoP headers', async () => {
        const a = await proof(key, { htm: 'GET', htu: URL_, token: bound, iat: NOW })
        const v = view({ authorization: `DPoP ${bound}`, dpop: a })
        return { ...v, rawHeaders: [...v.rawHeaders!, 'DPoP', a] }
      }],
      ['two DPoP headers joined by Node', async () => {
        const a = await proof(key, { htm: 'GET', htu: URL_, token: bound, iat: NOW })
        return { ...view({ authorization: `DPoP ${bound}`, dpop: `${a}, ${a}` }), rawHeaders: undefined }
      }],
      ['oversize proof', async () => dpopView({ claims: { pad: 'x'.repeat(5000) } })],
      ['not a JWS', async () => view({ authorization: `DPoP ${bound}`, dpop: 'abc.def' })],
      ['wrong typ', async () => dpopView({ header: { typ: 'JWT' } })],
      ['no typ', async () => dpopView({ header: { typ: undefined } })],
      ['symmetric alg', async () => {
        const header = b64url(JSON.stringify({ typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'oct', k: b64url(SECRET) } }))
        const payload = b64url(JSON.stringify({ jti: 'j', htm: 'GET', htu: URL_, iat: NOW }))
        const sig = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')
        return view({ authorization: `DPoP ${bound}`, dpop: `${header}.${payload}.${sig}` })
      }],
      ['alg none', async () => {
        const header = b64url(JSON.stringify({ typ: 'dpop+jwt', alg: 'none', jwk: key.jwk }))
        return view({ authorization: `DPoP ${bound}`, dpop: `${header}.${b64url('{}')}.` })
      }],
      ['private key in jwk', async () => {
        const jwk = key.privateKey.export({ format: 'jwk' })
        return dpopView({ header: { jwk } })
      }],
      ['no jwk', async () => dpopView({ header: { jwk: undefined } })],
      ['jwk of another key type than alg', async () => dpopView({ header: { jwk: (await dpopKey('EdDSA')).jwk } })],
      ['signature by another key than jwk', async () => dpopView({ header: { jwk: other.jwk } })],
      ['wrong htm', async () => dpopView({ htm: 'POST' })],
      ['wrong htu host', async () => dpopView({ htu: 'https://evil.example/things/1' })],
      ['wrong htu path', async () => dpopView({ htu: 'https://api.example/things/2' })],
      ['wrong htu scheme', async () => dpopView({ htu: 'http://api.example/things/1' })],
      ['htu of a WebSocket on a plain request', async () => dpopView({ htu: 'wss://api.example/things/1' })],
      ['old iat', async () => dpopView({ iat: NOW - 61 })],
      ['future iat', async () => dpopView({ iat: NOW + 6 })],
      ['no iat', async () => dpopView({ claims: { iat: undefined } })],
      ['no jti', async () => dpopView({ claims: { jti: undefined } })],
      ['oversize jti', async () => dpopView({ jti: 'j'.repeat(257) })],
      ['ath mismatch', async () => dpopView({ claims: { ath: 'A'.repeat(43) } })],
      ['no ath', async () => dpopView({ token: undefined })],
      ['cnf.jkt mismatch', async () => dpopView({}, other)],
    ]
    for (const [name, make, code = 'invalid_dpop_proof'] of cases) {
      it(name, async () => {
        const { authenticator } = authenticatorWith({ mode: 'required' })
        const err = await refusal(authenticator.authenticate(await make()), code)
        expect(err.message).to.match(WHY[name]!)
        expect(err.status).to.equal(401)
        expect(err.headers['WWW-Authenticate']).to.match(/^DPoP error="invalid_dpop_proof", error_description="[^"]+", algs="/)
      })
    }

    it('maxProofLength bounds the DPoP header, checked before any decoding', async () => {
      const v = await dpopView()
      const length = (v.headers.dpop as string).length
      await refusal(authenticatorWith({ mode: 'required', maxProofLength: length - 1 }).authenticator.authenticate(v), 'invalid_dpop_proof')
      expect((await authenticatorWith({ mode: 'required', maxProofLength: length }).authenticator.authenticate(v))?.source).to.equal('dpop')
    })

    it('reused jti', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required' })
      const v = await dpopView()
      await authenticator.authenticate(v)
      await refusal(authenticator.authenticate({ ...v, rawHeaders: [...v.rawHeaders!] }), 'invalid_dpop_proof')
    })

    it('iat inside the window on both sides, with the configured window', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required', maxProofAge: 10, clockTolerance: 2 })
      await authenticator.authenticate(await dpopView({ iat: NOW - 10 }))
      await authenticator.authenticate(await dpopView({ iat: NOW + 2 }))
      await refusal(authenticator.authenticate(await dpopView({ iat: NOW - 11 })), 'invalid_dpop_proof')
    })

    it('a jti is forgotten once its proof is too old anyway, and not before', async () => {
      const { authenticator, clock } = authenticatorWith({ mode: 'required', maxReplayEntries: 1 })
      await authenticator.authenticate(await dpopView())
      clock.advance(30_000)
      await refusal(authenticator.authenticate(await dpopView({ iat: NOW + 30 })), 'server_busy')
      clock.advance(32_000)
      await authenticator.authenticate(await dpopView({ iat: NOW + 62 }))
    })

    it('a token that stays cached is still proven on every request', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required' })
      await authenticator.authenticate(await dpopView())
      await refusal(authenticator.authenticate(view({ authorization: `DPoP ${bound}` })), 'invalid_dpop_proof')
    })

    it('two Authorization headers', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required' })
      const v = await dpopView()
      await refusal(authenticator.authenticate({ ...v, rawHeaders: [...v.rawHeaders!, 'Authorization', `DPoP ${bound}`] }), 'invalid_request')
    })
  })

  describe('htu', () => {
    it('compares normalised: case, default port, dot segments, percent-encoding, query and fragment dropped', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required' })
      const target = { url: '/a/%7euser/b%2f?q=1' }
      for (const htu of ['HTTPS://API.Example:443/a/~user/b%2F', 'https://api.example/a/x/../%7Euser/b%2f#frag', 'https://api.example/a/~user/b%2F?other=2']) {
        const v = view({ authorization: `DPoP ${bound}`, dpop: await proof(key, { htm: 'GET', htu, token: bound, iat: NOW }) }, target)
        expect((await authenticator.authenticate(v))?.source, htu).to.equal('dpop')
      }
    })

    it('on a WebSocket upgrade, takes the ws/wss URL (and its https form)', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required' })
      for (const htu of ['wss://api.example/things/1', 'https://api.example/things/1']) {
        const v = view({ authorization: `DPoP ${bound}`, upgrade: 'websocket', dpop: await proof(key, { htm: 'GET', htu, token: bound, iat: NOW }) })
        expect((await authenticator.authenticate(v))?.source, htu).to.equal('dpop')
      }
      const wrong = view({ authorization: `DPoP ${bound}`, upgrade: 'websocket', dpop: await proof(key, { htm: 'GET', htu: 'ws://api.example/things/1', token: bound, iat: NOW }) })
      await refusal(authenticator.authenticate(wrong), 'invalid_dpop_proof')
    })

    it('uses requestUrl when given (a TLS proxy in front)', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required', requestUrl: (v) => `https://public.example${v.url ?? ''}` })
      const v = view({ authorization: `DPoP ${bound}`, dpop: await proof(key, { htm: 'GET', htu: 'https://public.example/things/1', token: bound, iat: NOW }) }, { protocol: 'http' })
      expect((await authenticator.authenticate(v))?.source).to.equal('dpop')
    })
  })

  describe('allowed mode', () => {
    it('accepts an unbound Bearer token and a bound DPoP one', async () => {
      const { authenticator } = authenticatorWith({ mode: 'allowed' })
      expect((await authenticator.authenticate(view({ authorization: `Bearer ${plain}` })))?.source).to.equal('bearer')
      expect((await authenticator.authenticate(await dpopView()))?.source).to.equal('dpop')
    })

    it('refuses a bound token presented as Bearer (RFC 9449 §7.2), challenging both schemes', async () => {
      const { authenticator } = authenticatorWith({ mode: 'allowed', algorithms: ['ES256'] }, { realm: 'api' })
      const err = await refusal(authenticator.authenticate(view({ authorization: `Bearer ${bound}` })), 'invalid_token')
      expect(err.headers['WWW-Authenticate']).to.match(/^Bearer realm="api", error="invalid_token", error_description="[^"]+", DPoP realm="api", algs="ES256"$/)
    })

    it('puts a proof error on the DPoP challenge, beside a plain Bearer one', async () => {
      const { authenticator } = authenticatorWith({ mode: 'allowed', algorithms: ['ES256'] })
      const err = await refusal(authenticator.authenticate(await dpopView({ htm: 'PUT' })), 'invalid_dpop_proof')
      expect(err.headers['WWW-Authenticate']).to.match(/^Bearer, DPoP error="invalid_dpop_proof", error_description="[^"]+", algs="ES256"$/)
    })

    it('refuses a bound token carried by the cookie', async () => {
      const { authenticator } = authenticatorWith({ mode: 'allowed' })
      await refusal(authenticator.authenticate(view({ cookie: `hg_token=${bound}` })), 'invalid_token')
    })
  })

  describe('off (the default)', () => {
    it('leaves everything as it was: a DPoP scheme is no credential, challenges are Bearer', async () => {
      for (const dpop of [undefined, { mode: 'off' as const }]) {
        const clock = createManualClock(START)
        const authenticator = createAuthenticator({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': SECRET } }, clock, ...(dpop ? { dpop } : {}) })
        expect((await authenticator.authenticate(view({ authorization: `Bearer ${bound}` })))?.source).to.equal('bearer')
        const err = await refusal(authenticator.authenticate(await dpopView()), 'credentials_required')
        expect(err.headers['WWW-Authenticate']).to.equal('Bearer')
      }
    })
  })

  describe('server nonces', () => {
    it('asks for a nonce with use_dpop_nonce and a DPoP-Nonce header, then accepts it', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required', nonce: true })
      const err = await refusal(authenticator.authenticate(await dpopView()), 'use_dpop_nonce')
      const nonce = err.headers['DPoP-Nonce']!
      expect(nonce).to.match(/^[A-Za-z0-9_-]{43}$/)
      expect(err.headers['WWW-Authenticate']).to.match(/^DPoP error="use_dpop_nonce", error_description="[^"]+", algs="/)
      expect((await authenticator.authenticate(await dpopView({ nonce })))?.source).to.equal('dpop')
    })

    it('rotates: a nonce works for two periods, then is refused with the new one', async () => {
      const { authenticator, clock } = authenticatorWith({ mode: 'required', nonce: { rotation: 60 }, maxProofAge: 300 })
      const first = (await refusal(authenticator.authenticate(await dpopView()), 'use_dpop_nonce')).headers['DPoP-Nonce']!
      clock.advance(60_000)
      expect((await authenticator.authenticate(await dpopView({ nonce: first, iat: NOW + 60 })))?.source).to.equal('dpop')
      clock.advance(60_000)
      const err = await refusal(authenticator.authenticate(await dpopView({ nonce: first, iat: NOW + 120 })), 'use_dpop_nonce')
      const next = err.headers['DPoP-Nonce']!
      expect(next).to.not.equal(first)
      await authenticator.authenticate(await dpopView({ nonce: next, iat: NOW + 120 }))
    })

    it('refuses a made-up nonce', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required', nonce: { secret: 'x'.repeat(32) } })
      await refusal(authenticator.authenticate(await dpopView({ nonce: 'made-up' })), 'use_dpop_nonce')
    })

    it('shares nonces between processes with the same secret', async () => {
      const options = { mode: 'required' as const, nonce: { secret: 's'.repeat(32) } }
      const a = authenticatorWith(options).authenticator
      const b = authenticatorWith({ ...options }).authenticator
      const nonce = (await refusal(a.authenticate(await dpopView()), 'use_dpop_nonce')).headers['DPoP-Nonce']!
      await b.authenticate(await dpopView({ nonce }))
    })
  })

  describe('replay store', () => {
    it('uses a plugged store, and answers asynchronously when it does', async () => {
      const keys: Array<[string, number]> = []
      const replayStore = { add: async (k: string, ttl: number) => (keys.push([k, ttl]), keys.filter(([x]) => x === k).length === 1) }
      const { authenticator } = authenticatorWith({ mode: 'required', replayStore })
      const v = await dpopView({ jti: 'the-jti' })
      await authenticator.authenticate(v)
      expect(keys).to.deep.equal([[`${key.jkt}.the-jti`, 61_000]])
      await refusal(authenticator.authenticate({ ...v, rawHeaders: [...v.rawHeaders!] }), 'invalid_dpop_proof')
      const fresh = await dpopView()
      expect(() => authenticator.authenticateSync(fresh)).to.throw(TypeError, /replay store/)
    })

    it('answers server_busy when the store fails', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required', replayStore: { add: () => Promise.reject(new Error('down')) } })
      const err = await refusal(authenticator.authenticate(await dpopView()), 'server_busy')
      expect(err.status).to.equal(503)
    })

    it('works synchronously with the default store', async () => {
      const { authenticator } = authenticatorWith({ mode: 'required' })
      expect(authenticator.authenticateSync(await dpopView())?.source).to.equal('dpop')
    })
  })

  describe('options', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ mode: 'on' }, /"dpop.mode"/],
      [{ mode: 'required', algorithms: ['HS256'] }, /"dpop.algorithms"/],
      [{ mode: 'required', algorithms: [] }, /"dpop.algorithms"/],
      [{ mode: 'required', maxProofAge: 0 }, /"dpop.maxProofAge"/],
      [{ mode: 'required', maxProofLength: -1 }, /"dpop.maxProofLength"/],
      [{ mode: 'required', maxReplayEntries: 0 }, /"dpop.maxReplayEntries"/],
      [{ mode: 'required', replayStore: {} }, /"dpop.replayStore"/],
      [{ mode: 'required', nonce: { secret: 'short' } }, /"dpop.nonce.secret"/],
      [{ mode: 'required', nonce: { rotation: 1.5 } }, /"dpop.nonce.rotation"/],
      [{ mode: 'required', proofAge: 5 }, /unknown option "proofAge"/],
    ]
    for (const [dpop, message] of bad) {
      it(`refuses ${JSON.stringify(dpop)}`, () => {
        expect(() => authenticatorWith(dpop as DpopOptions)).to.throw(message)
      })
    }
  })
})
