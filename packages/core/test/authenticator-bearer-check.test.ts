import { expect } from 'chai'
import { secret } from '../../../test/helpers/keys.js'
import { rejects } from '../../../test/helpers/listen.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/helpers/tokens.js'
import { createAuthenticator } from '../src/authenticator.js'
import { createManualClock } from '../src/clock.js'
import { AuthError } from '../src/errors.js'
import { createResolver, createUncheckedResolver, defineTokenSource, resolveToken } from '../src/resolver/index.js'
import { DEFAULT_QUERY_PARAMETER } from '../src/resolver/query.js'
import { B64TOKEN_REASON, BEARER_CHECK } from '../src/resolver/bearer.js'
import { createVerifier, type Verifier } from '../src/verifier.js'
import type { RequestView } from '../src/request-view.js'
import type { AuthenticatorOptions } from '../src/authenticator-options.js'
import type { Authenticator } from '../src/authenticator.js'

// The authenticator checks a bearer token's characters only when the verifier's cache misses:
// whatever the cache holds, a malformed credential must still be invalid_request.
const SECRET = secret()
const options: AuthenticatorOptions = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': SECRET } } }
const bearer = (value: string): RequestView => ({ headers: { authorization: value }, method: 'GET' })

async function refusal(authenticator: Authenticator, view: RequestView): Promise<AuthError> {
  const err = await rejects(authenticator.authenticate(view))
  expect(err).to.be.instanceOf(AuthError)
  return err as AuthError
}

describe('authenticator: the bearer character check on a cache miss', () => {
  let token: string
  before(async () => {
    token = await mint({ key: SECRET })
  })

  const malformed = (t: string): string[] => [
    `Bearer ${t}!`,
    `Bearer ${t} ${t}`,
    `Bearer ${t}\t`,
    `Bearer ${t}\u00ff`,
    `Bearer "${t}"`,
    `Bearer ${t.replace('.', '=')}`,
    `Bearer ${t}\r\nX-Admin: 1`,
    'Bearer t\u00f6k\u00e9n',
  ]

  for (const [name, extra] of [
    ['cache on', {}],
    ['cache off', { cache: false as const }],
  ] as const) {
    it(`answers invalid_request with the resolver's reason for every malformed header (${name}, token cached)`, async () => {
      const authenticator = createAuthenticator({ ...options, ...extra })
      expect((await authenticator.authenticate(bearer(`Bearer ${token}`)))?.subject).to.equal('johndoe')
      for (const value of malformed(token)) {
        const expected = (() => {
          try {
            resolveToken(bearer(value))
          } catch (err) {
            return err as AuthError
          }
          throw new Error(`resolveToken accepted ${JSON.stringify(value.slice(-12))}`)
        })()
        const err = await refusal(authenticator, bearer(value))
        expect(err.code, value.slice(-12)).to.equal('invalid_request')
        expect(err.message).to.equal(expected.message)
        expect(() => authenticator.authenticateSync(bearer(value))).to.throw(AuthError, expected.message)
        const eager = authenticator.authenticateEager(bearer(value))
        expect(eager).to.be.instanceOf(Promise)
        expect((await rejects(eager as Promise<unknown>)).code).to.equal('invalid_request')
      }
    })
  }

  it('uses the b64token reason for a token outside the alphabet, before any verification', async () => {
    const authenticator = createAuthenticator(options)
    const err = await refusal(authenticator, bearer('Bearer not@a.token'))
    expect(err).to.include({ code: 'invalid_request', message: B64TOKEN_REASON })
  })

  it('serves a cached bearer token, still checking revocation and the clock on every hit', async () => {
    const clock = createManualClock(Date.now())
    const verifier = createVerifier({ ...options, clock })
    const authenticator = createAuthenticator({ verifier })
    const revocable = await mint({ key: SECRET, now: Math.floor(clock.now() / 1000), claims: { jti: 'j-1' } })
    expect((authenticator.authenticateEager(bearer(`Bearer ${revocable}`)) as { subject: string }).subject).to.equal('johndoe')
    expect((authenticator.authenticateEager(bearer(`bearer   ${revocable}`)) as { source: string }).source).to.equal('bearer')
    verifier.revocations.revoke('j-1')
    expect((await refusal(authenticator, bearer(`Bearer ${revocable}`))).code).to.equal('token_revoked')
    verifier.revocations.restore('j-1')
    clock.advance(3600_000 + 5000)
    expect((await refusal(authenticator, bearer(`Bearer ${revocable}`))).code).to.equal('token_expired')
  })

  it('gives the fast path to any verifier that implements run(), not only one from createVerifier', () => {
    const inner = createVerifier({ ...options, cache: false })
    const calls: Array<{ source: string; check: unknown; sync: unknown }> = []
    const custom: Verifier = {
      verify: (t, source) => inner.verify(t, source),
      run: (t, source, check, sync) => {
        calls.push({ source, check, sync })
        return inner.run(t, source, check, sync)
      },
      revocations: inner.revocations,
      clock: inner.clock,
    }
    const authenticator = createAuthenticator({ verifier: custom })
    expect((authenticator.authenticateEager(bearer(`Bearer ${token}`)) as { subject: string }).subject).to.equal('johndoe')
    expect(authenticator.authenticateSync(bearer(`Bearer ${token}`))?.subject).to.equal('johndoe')
    expect(calls).to.deep.equal([{ source: 'bearer', check: BEARER_CHECK, sync: false }, { source: 'bearer', check: BEARER_CHECK, sync: true }])
    expect(() => authenticator.authenticateSync(bearer(`Bearer ${token}!`))).to.throw(AuthError, B64TOKEN_REASON)
  })

  it('keeps the public resolver checked: authenticator.resolve and createResolver refuse what they always refused', () => {
    const authenticator = createAuthenticator(options)
    expect(() => authenticator.resolve(bearer(`Bearer ${token}!`))).to.throw(AuthError, B64TOKEN_REASON)
    expect(createResolver()(bearer(`Bearer ${token}`))).to.deep.equal({ token, source: 'bearer' })
  })

  it('leaves only the built-in bearer and cookie sources unchecked; a custom source cannot claim it', () => {
    const claims = defineTokenSource({ name: 'custom', read: () => ({ kind: 'token', token: 'x y', unchecked: true, check: BEARER_CHECK }) as never })
    const resolve = createUncheckedResolver({ sources: [claims] })
    expect(resolve(bearer('Bearer abc'))).to.deep.equal({ token: 'x y', source: 'custom', check: undefined })
    const built = createUncheckedResolver({ sources: ['cookie', 'bearer', 'authMessage', 'query'] })
    expect(built(bearer('Bearer a b'))).to.deep.equal({ token: 'a b', source: 'bearer', check: BEARER_CHECK })
    const cookie = built({ headers: { cookie: 'hg_token=a b' } })
    expect(cookie).to.include({ token: 'a b', source: 'cookie' })
    expect(cookie?.check?.passes('a b')).to.equal(false)
    expect(cookie?.check?.passes(token)).to.equal(true)
    expect(built({ headers: {}, message: `Bearer ${token}` })).to.deep.equal({ token, source: 'authMessage', check: undefined })
    expect(built({ headers: {}, url: `/?${DEFAULT_QUERY_PARAMETER}=${token}` })).to.deep.equal({ token, source: 'query', check: undefined })
  })

  it('runs a check every JWS passes only when decoding fails, with the verdict it gave first; any other check first', () => {
    const verifier = createVerifier({ ...options, cache: false })
    const refusedBy = (t: string, check: Parameters<typeof verifier.run>[2]): AuthError => {
      try {
        verifier.run(t, 'custom', check, true)
      } catch (err) {
        return err as AuthError
      }
      throw new Error('accepted')
    }
    const seen: string[] = []
    const counted = { passes: (t: string) => (seen.push(t), BEARER_CHECK.passes(t)), reason: B64TOKEN_REASON, admitsEveryJws: true }
    expect(verifier.run(token, 'custom', counted, true).subject).to.equal('johndoe')
    expect(seen).to.deep.equal([])
    expect(refusedBy(`${token}!`, counted)).to.include({ code: 'invalid_request', message: B64TOKEN_REASON })
    expect(refusedBy(`${token}+`, counted)).to.include({ code: 'invalid_token', message: 'The token is not base64url' })
    expect(seen).to.have.length(2)
    // A stricter check says nothing of the kind, so it still runs before decoding.
    const strict = { passes: () => false, reason: 'custom tokens only' }
    expect(refusedBy(token, strict)).to.include({ code: 'invalid_request', message: 'custom tokens only' })
  })

  it('answers the check\'s verdict before a broken clock\'s', () => {
    const clock = createManualClock()
    const verifier = createVerifier({ ...options, cache: false, clock: { ...clock, now: () => NaN, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout } })
    for (const check of [BEARER_CHECK, { passes: BEARER_CHECK.passes, reason: B64TOKEN_REASON }]) {
      expect(() => verifier.run(`${token}!`, 'bearer', check, true)).to.throw(AuthError, B64TOKEN_REASON)
      expect(() => verifier.run(token, 'bearer', check, true)).to.throw(AuthError).with.property('code', 'keys_unavailable')
    }
  })
})
