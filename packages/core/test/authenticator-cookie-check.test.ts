import { expect } from 'chai'
import { secret } from '../../../test/helpers/keys.js'
import { rejects } from '../../../test/helpers/listen.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/helpers/tokens.js'
import { createAuthenticator } from '../src/authenticator.js'
import { createManualClock } from '../src/clock.js'
import { AuthError } from '../src/errors.js'
import { resolveToken } from '../src/resolver/index.js'
import { createVerifier } from '../src/verifier.js'
import type { RequestView } from '../src/request-view.js'
import type { AuthenticatorOptions } from '../src/authenticator-options.js'
import type { Authenticator } from '../src/authenticator.js'

// The authenticator checks a cookie token's compact-JWS shape only when the verifier's cache
// misses: whatever the cache holds, a malformed cookie must still be invalid_request.
const SECRET = secret()
const options: AuthenticatorOptions = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': SECRET } } }
const cookie = (value: string, extra: Partial<RequestView> = {}): RequestView => ({ headers: { cookie: value }, method: 'GET', ...extra })

async function refusal(authenticator: Authenticator, view: RequestView): Promise<AuthError> {
  const err = await rejects(authenticator.authenticate(view))
  expect(err).to.be.instanceOf(AuthError)
  return err as AuthError
}

function resolverRefusal(view: RequestView, options?: { cookieName: string }): AuthError {
  try {
    resolveToken(view, options)
  } catch (err) {
    return err as AuthError
  }
  throw new Error('resolveToken accepted a malformed cookie')
}

describe('authenticator: the cookie compact-JWS check on a cache miss', () => {
  let token: string
  before(async () => {
    token = await mint({ key: SECRET })
  })

  const malformed = (t: string): string[] => [
    `hg_token=${t}!`,
    `hg_token=${t}.x`,
    `hg_token=${t}%20`,
    `hg_token=${t.replace('.', '+')}`,
    `hg_token=${t}==`,
    `hg_token=${t.slice(0, t.lastIndexOf('.'))}`,
    `hg_token=${t}\u00ff`,
    'hg_token=t%C3%B6ken.a.b',
  ]

  for (const [name, extra] of [
    ['cache on', {}],
    ['cache off', { cache: false as const }],
  ] as const) {
    it(`answers invalid_request with the resolver's reason for every malformed cookie (${name}, token cached)`, async () => {
      const authenticator = createAuthenticator({ ...options, ...extra })
      expect((await authenticator.authenticate(cookie(`hg_token=${token}`)))?.source).to.equal('cookie')
      for (const value of malformed(token)) {
        const expected = resolverRefusal(cookie(value))
        const err = await refusal(authenticator, cookie(value))
        expect(err.code, value.slice(-12)).to.equal('invalid_request')
        expect(err.message).to.equal(expected.message)
        expect(() => authenticator.authenticateSync(cookie(value))).to.throw(AuthError, expected.message)
        const eager = authenticator.authenticateEager(cookie(value))
        expect(eager).to.be.instanceOf(Promise)
        expect((await rejects(eager as Promise<unknown>)).code).to.equal('invalid_request')
      }
    })
  }

  it('names the configured cookie in the reason, and checks a parsed cookies object too', async () => {
    const authenticator = createAuthenticator({ ...options, cookieName: 'session' })
    await authenticator.authenticate(cookie(`session=${token}`))
    const err = await refusal(authenticator, cookie('session=not-a-jws'))
    expect(err).to.include({ code: 'invalid_request', message: resolverRefusal(cookie('session=not-a-jws'), { cookieName: 'session' }).message })
    expect(err.message).to.match(/session cookie/)
    const parsed = await refusal(authenticator, { headers: {}, cookies: { session: `${token}!` }, method: 'GET' })
    expect(parsed.code).to.equal('invalid_request')
  })

  it('still refuses a cached token sent in two different cookies', async () => {
    const authenticator = createAuthenticator(options)
    const other = await mint({ key: SECRET, claims: { jti: 'other' } })
    await authenticator.authenticate(cookie(`hg_token=${token}`))
    await authenticator.authenticate(cookie(`hg_token=${other}`))
    const err = await refusal(authenticator, cookie(`hg_token=${token}; hg_token=${other}`))
    expect(err.code).to.equal('invalid_request')
    expect(err.message).to.match(/more than once/)
  })

  it('serves a cached cookie token, still checking the origin, revocation and the clock on every hit', async () => {
    const clock = createManualClock(Date.now())
    const verifier = createVerifier({ ...options, clock })
    const authenticator = createAuthenticator({ verifier, allowedOrigins: ['https://app.example'] })
    const revocable = await mint({ key: SECRET, now: Math.floor(clock.now() / 1000), claims: { jti: 'j-1' } })
    const post = (origin: string): RequestView => cookie(`hg_token=${revocable}`, { method: 'POST', headers: { cookie: `hg_token=${revocable}`, origin, host: 'api.example' } })
    expect((authenticator.authenticateEager(cookie(`hg_token=${revocable}`)) as { subject: string }).subject).to.equal('johndoe')
    expect((authenticator.authenticateEager(post('https://app.example')) as { source: string }).source).to.equal('cookie')
    expect((await refusal(authenticator, post('https://evil.example'))).code).to.equal('origin_not_allowed')
    verifier.revocations.revoke('j-1')
    expect((await refusal(authenticator, cookie(`hg_token=${revocable}`))).code).to.equal('token_revoked')
    verifier.revocations.restore('j-1')
    clock.advance(3600_000 + 5000)
    expect((await refusal(authenticator, cookie(`hg_token=${revocable}`))).code).to.equal('token_expired')
  })

  it('keeps the public resolver checked: authenticator.resolve refuses a malformed cookie', () => {
    const authenticator = createAuthenticator(options)
    expect(() => authenticator.resolve(cookie(`hg_token=${token}!`))).to.throw(AuthError, /not a compact JWS/)
  })
})
