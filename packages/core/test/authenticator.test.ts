import { expect } from 'chai'
import { secret } from '../../../test/helpers/keys.js'
import { rejects } from '../../../test/helpers/listen.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/helpers/tokens.js'
import { createAuthContext } from '../src/auth-context.js'
import { createAuthenticator } from '../src/authenticator.js'
import { AuthError } from '../src/errors.js'
import { compilePermissions } from '../src/permissions.js'
import { createVerifier } from '../src/verifier.js'
import { NotSynchronousError } from '../src/verifier-hooks.js'
import type { RequestView } from '../src/request-view.js'
import type { AuthContext } from '../src/auth-context.js'
import type { Claims } from '../src/claims.js'
import type { Verifier } from '../src/verifier.js'

const SECRET = secret()
const verifierOptions = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': SECRET } }, requiredClaims: ['tnd'] }

async function authError(promise: Promise<unknown>, code: string): Promise<AuthError> {
  const err = await rejects(promise)
  expect(err).to.be.instanceOf(AuthError)
  expect(err.code).to.equal(code)
  return err as AuthError
}

/** A verifier that accepts any token and records what it was asked. */
function stubVerifier(): Verifier & { calls: Array<[string, string | undefined]> } {
  const calls: Array<[string, string | undefined]> = []
  return {
    calls,
    revocations: undefined as never,
    clock: undefined as never,
    async verify(token: string, source?: string): Promise<AuthContext> {
      calls.push([token, source])
      if (token.startsWith('bad')) throw new AuthError('invalid_token')
      return createAuthContext(token, source ?? 'unknown', { sub: 'stub' }, compilePermissions({}))
    },
  }
}

describe('createAuthenticator', () => {
  let token: string
  before(async () => {
    token = await mint({ key: SECRET })
  })

  const cookiePost = (headers: Record<string, string> = {}): RequestView => ({
    headers: { cookie: `hg_token=${token}`, host: 'api.example', ...headers },
    method: 'POST',
  })

  describe('pipeline', () => {
    it('resolves and verifies with a real verifier', async () => {
      const authenticator = createAuthenticator(verifierOptions)
      const auth = await authenticator.authenticate({ headers: { authorization: `Bearer ${token}` }, method: 'GET' })
      expect(auth?.subject).to.equal('johndoe')
      expect(auth?.source).to.equal('bearer')
      expect(auth?.can('london', 'deliveryRides/johndoe-123', 'U')).to.equal(true)
      expect(authenticator.optional).to.equal(false)
      expect(authenticator.realm).to.equal(undefined)
    })

    it('passes the token and its source to a given verifier', async () => {
      const verifier = stubVerifier()
      const authenticator = createAuthenticator({ verifier })
      await authenticator.authenticate({ headers: {}, message: 'Bearer abc.def.ghi' })
      expect(verifier.calls).to.deep.equal([['abc.def.ghi', 'authMessage']])
      expect(authenticator.verifier).to.equal(verifier)
    })

    it('refuses a request without credentials with credentials_required, unless optional', async () => {
      const err = await authError(createAuthenticator(verifierOptions).authenticate({ headers: {} }), 'credentials_required')
      expect(err.wwwAuthenticate).to.equal('Bearer')
      expect(await createAuthenticator({ ...verifierOptions, optional: true }).authenticate({ headers: {} })).to.equal(undefined)
    })

    it('still refuses bad credentials when optional', async () => {
      const authenticator = createAuthenticator({ ...verifierOptions, optional: true })
      await authError(authenticator.authenticate({ headers: { authorization: 'Bearer' } }), 'invalid_request')
      await authError(authenticator.authenticate({ headers: { authorization: 'Bearer abc.def.ghi' } }), 'invalid_token')
    })

    it('sets the realm on every AuthError', async () => {
      const authenticator = createAuthenticator({ ...verifierOptions, realm: 'api' })
      for (const [view, code] of [
        [{ headers: {} }, 'credentials_required'],
        [{ headers: { authorization: 'Bearer a b' } }, 'invalid_request'],
        [{ headers: { authorization: 'Bearer abc.def.ghi' } }, 'invalid_token'],
        [cookiePost({ origin: 'https://evil.example' }), 'origin_not_allowed'],
      ] as const) {
        const err = await authError(authenticator.authenticate(view), code)
        expect(err.realm).to.equal('api')
        expect(err.wwwAuthenticate).to.match(/^Bearer realm="api"/)
      }
    })

    it('uses the configured sources and cookie name', async () => {
      const authenticator = createAuthenticator({ ...verifierOptions, sources: ['query'], queryParameter: 'jwt' })
      expect((await authenticator.authenticate({ headers: {}, url: `/x?jwt=${token}` }))?.source).to.equal('query')
      await authError(authenticator.authenticate({ headers: { authorization: `Bearer ${token}` } }), 'credentials_required')
      const named = createAuthenticator({ ...verifierOptions, cookieName: 'sid' })
      expect((await named.authenticate({ headers: { cookie: `sid=${token}` }, method: 'GET' }))?.source).to.equal('cookie')
    })
  })

  describe('origin check for cookie-authenticated requests', () => {
    const authenticator = createAuthenticator(verifierOptions)

    it('refuses a cross-origin unsafe request with origin_not_allowed (403)', async () => {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND']) {
        const err = await authError(authenticator.authenticate({ ...cookiePost({ origin: 'https://evil.example' }), method }), 'origin_not_allowed')
        expect(err.status).to.equal(403)
      }
    })

    it('refuses an unsafe request with neither Origin nor Referer, and Origin: null', async () => {
      await authError(authenticator.authenticate(cookiePost()), 'origin_not_allowed')
      await authError(authenticator.authenticate(cookiePost({ origin: 'null' })), 'origin_not_allowed')
    })

    it('allows a same-origin unsafe request', async () => {
      expect(await authenticator.authenticate(cookiePost({ origin: 'https://api.example' }))).to.have.property('source', 'cookie')
      expect(await authenticator.authenticate(cookiePost({ referer: 'https://api.example/form' }))).to.have.property('source', 'cookie')
    })

    it('does not check safe methods, bearer tokens or auth messages', async () => {
      for (const method of ['GET', 'HEAD', 'OPTIONS']) {
        expect(await authenticator.authenticate({ ...cookiePost({ origin: 'https://evil.example' }), method }), method).to.have.property('source', 'cookie')
      }
      const bearer = { headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example', host: 'api.example' }, method: 'POST' }
      expect(await authenticator.authenticate(bearer)).to.have.property('source', 'bearer')
    })

    it("checks every method with checkOrigin: 'always' (WebSocket upgrades)", async () => {
      const upgrade = { ...cookiePost({ origin: 'https://evil.example' }), method: 'GET' }
      await authError(authenticator.authenticate(upgrade, { checkOrigin: 'always' }), 'origin_not_allowed')
      const same = { ...cookiePost({ origin: 'https://api.example' }), method: 'GET' }
      expect(await authenticator.authenticate(same, { checkOrigin: 'always' })).to.have.property('source', 'cookie')
      expect(await authenticator.authenticate(upgrade, { checkOrigin: 'unsafe-methods' })).to.have.property('source', 'cookie')
    })

    it('treats a view without a method as unsafe', async () => {
      await authError(authenticator.authenticate({ headers: { cookie: `hg_token=${token}` } }), 'origin_not_allowed')
    })

    it('follows allowedOrigins', async () => {
      const listed = createAuthenticator({ ...verifierOptions, allowedOrigins: ['https://app.example'] })
      expect(await listed.authenticate(cookiePost({ origin: 'https://app.example' }))).to.have.property('source', 'cookie')
      await authError(listed.authenticate(cookiePost({ origin: 'https://api.example' })), 'origin_not_allowed')
      const predicate = createAuthenticator({ ...verifierOptions, allowedOrigins: (o) => o === 'https://b.example' })
      expect(await predicate.authenticate(cookiePost({ origin: 'https://b.example' }))).to.have.property('source', 'cookie')
    })

    it('reports an invalid cookie token before its origin', async () => {
      const view = { headers: { cookie: 'hg_token=abc.def.ghi', origin: 'https://evil.example' }, method: 'POST' }
      await authError(authenticator.authenticate(view), 'invalid_token')
    })
  })

  describe('authenticateEager and authenticateSync', () => {
    const bearer = (t: string): RequestView => ({ headers: { authorization: `Bearer ${t}` }, method: 'GET' })

    function thrown(fn: () => unknown): unknown {
      try {
        fn()
      } catch (err) {
        return err
      }
      throw new Error('expected a throw, but nothing was thrown')
    }

    it('returns the AuthContext itself when nothing has to wait, with the cache on and off', () => {
      for (const cache of [undefined, false] as const) {
        const authenticator = createAuthenticator({ ...verifierOptions, ...(cache === false ? { cache } : {}) })
        for (let i = 0; i < 2; i++) {
          const eager = authenticator.authenticateEager(bearer(token))
          expect(eager).not.to.be.instanceOf(Promise)
          expect((eager as AuthContext).subject).to.equal('johndoe')
          expect((eager as AuthContext).can('london', 'deliveryRides/johndoe-123', 'U')).to.equal(true)
          expect(authenticator.authenticateSync(bearer(token))?.source).to.equal('bearer')
        }
      }
    })

    it('still answers authenticate() with a Promise', async () => {
      const pending = createAuthenticator(verifierOptions).authenticate(bearer(token))
      expect(pending).to.be.instanceOf(Promise)
      expect((await pending)?.subject).to.equal('johndoe')
    })

    it('returns a Promise when a hook answers later, and asks the hook once', async () => {
      const asked: string[] = []
      const isRevoked = async (claims: Readonly<Claims>) => {
        asked.push(String(claims.jti))
        return false
      }
      const authenticator = createAuthenticator({ ...verifierOptions, isRevoked })
      const eager = authenticator.authenticateEager(bearer(token))
      expect(eager).to.be.instanceOf(Promise)
      expect((await eager)?.subject).to.equal('johndoe')
      expect(asked).to.have.length(1)
      expect(thrown(() => authenticator.authenticateSync(bearer(token)))).to.be.instanceOf(NotSynchronousError)
    })

    it('returns a Promise for a verifier built elsewhere; authenticateSync needs verifySync', async () => {
      const authenticator = createAuthenticator({ verifier: stubVerifier() })
      const eager = authenticator.authenticateEager(bearer('abc.def.ghi'))
      expect(eager).to.be.instanceOf(Promise)
      expect((await eager)?.subject).to.equal('stub')
      await authError(Promise.resolve(authenticator.authenticateEager(bearer('bad.def.ghi'))), 'invalid_token')
      expect(thrown(() => authenticator.authenticateSync(bearer('abc.def.ghi')))).to.be.instanceOf(NotSynchronousError)
    })

    it('refuses through a rejected Promise (eager) or a throw (sync), with the realm, for every refusal', async () => {
      const authenticator = createAuthenticator({ ...verifierOptions, realm: 'api' })
      for (const [view, code] of [
        [{ headers: {} }, 'credentials_required'],
        [{ headers: { authorization: 'Bearer a b' } }, 'invalid_request'],
        [bearer('abc.def.ghi'), 'invalid_token'],
        [cookiePost({ origin: 'https://evil.example' }), 'origin_not_allowed'],
      ] as const) {
        const eager = authenticator.authenticateEager(view)
        expect(eager, code).to.be.instanceOf(Promise)
        expect((await authError(eager as Promise<unknown>, code)).realm).to.equal('api')
        const err = thrown(() => authenticator.authenticateSync(view)) as AuthError
        expect(err).to.be.instanceOf(AuthError)
        expect(err.code).to.equal(code)
        expect(err.realm).to.equal('api')
      }
    })

    it('checks the origin of cookie tokens and lets an optional request without credentials through', async () => {
      const authenticator = createAuthenticator({ ...verifierOptions, optional: true })
      expect(authenticator.authenticateEager({ headers: {} })).to.equal(undefined)
      expect(authenticator.authenticateSync({ headers: {} })).to.equal(undefined)
      expect(authenticator.authenticateSync(cookiePost({ origin: 'https://api.example' }))?.source).to.equal('cookie')
      const upgrade = { ...cookiePost({ origin: 'https://evil.example' }), method: 'GET' }
      expect(authenticator.authenticateSync(upgrade)?.source).to.equal('cookie')
      expect((thrown(() => authenticator.authenticateSync(upgrade, { checkOrigin: 'always' })) as AuthError).code).to.equal('origin_not_allowed')
      await authError(authenticator.authenticateEager(upgrade, { checkOrigin: 'always' }) as Promise<unknown>, 'origin_not_allowed')
    })

    it('checks revocation on every cached hit', async () => {
      const verifier = createVerifier(verifierOptions)
      const authenticator = createAuthenticator({ verifier })
      const first = authenticator.authenticateEager(bearer(token)) as AuthContext
      expect(first.subject).to.equal('johndoe')
      verifier.revocations.revoke(String(first.claims.jti))
      await authError(authenticator.authenticateEager(bearer(token)) as Promise<unknown>, 'token_revoked')
      expect((thrown(() => authenticator.authenticateSync(bearer(token))) as AuthError).code).to.equal('token_revoked')
    })

    it('turns a throwing custom source into a rejection, not a throw', async () => {
      const broken = { name: 'broken', read: () => ({ kind: 'weird' }) as never }
      const authenticator = createAuthenticator({ ...verifierOptions, sources: [broken] })
      const eager = authenticator.authenticateEager({ headers: {} })
      expect(eager).to.be.instanceOf(Promise)
      expect(await rejects(eager as Promise<unknown>)).to.be.instanceOf(TypeError)
      expect(await rejects(authenticator.authenticate({ headers: {} }))).to.be.instanceOf(TypeError)
    })
  })

  describe('options', () => {
    it('refuses a verifier together with verifier options, naming them', () => {
      expect(() => createAuthenticator({ verifier: stubVerifier(), issuer: 'x', keys: {} })).to.throw(TypeError, /"verifier".*"issuer", "keys"/)
    })
    it('refuses a verifier that is not one', () => {
      expect(() => createAuthenticator({ verifier: {} as Verifier })).to.throw(TypeError, /"verifier"/)
    })
    it('lets the verifier validate its own options', () => {
      expect(() => createAuthenticator({})).to.throw(TypeError, /"keys"/)
    })
    it('validates optional, realm, allowedOrigins and the resolver options', () => {
      const verifier = stubVerifier()
      expect(() => createAuthenticator({ verifier, optional: 'yes' as never })).to.throw(TypeError, /"optional"/)
      expect(() => createAuthenticator({ verifier, realm: 1 as never })).to.throw(TypeError, /"realm"/)
      expect(() => createAuthenticator({ verifier, allowedOrigins: 'https://a.example' as never })).to.throw(TypeError, /"allowedOrigins"/)
      expect(() => createAuthenticator({ verifier, sources: ['header' as 'cookie'] })).to.throw(TypeError, /"sources"/)
      expect(() => createAuthenticator(null as never)).to.throw(TypeError, /"options"/)
    })
    it('refuses an unknown checkOrigin value', () => {
      const authenticator = createAuthenticator({ verifier: stubVerifier() })
      expect(() => authenticator.authenticate({ headers: {} }, { checkOrigin: 'never' as never })).to.throw(TypeError, /"checkOrigin"/)
      expect(() => authenticator.authenticateEager({ headers: {} }, { checkOrigin: 'never' as never })).to.throw(TypeError, /"checkOrigin"/)
      expect(() => authenticator.authenticateSync({ headers: {} }, { checkOrigin: 'never' as never })).to.throw(TypeError, /"checkOrigin"/)
    })
  })
})
