import { expect } from 'chai'
import { createSecretKey } from 'node:crypto'
import { keyPair, secret, type AsymmetricAlg } from '../../../test/helpers/keys.js'
import { rejects } from '../../../test/helpers/listen.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/helpers/tokens.js'
import { createManualClock, type ManualClock } from '../src/clock.js'
import { AuthError } from '../src/errors.js'
import { createRevocationList } from '../src/revocation.js'
import { createVerifier } from '../src/verifier.js'
import { NotSynchronousError } from '../src/verifier-hooks.js'
import { VERIFIER_DEFAULTS } from '../src/verifier-options.js'
import type { Claims } from '../src/claims.js'
import type { VerifierOptions } from '../src/verifier-options.js'
import type { SyncVerifier } from '../src/verifier.js'

const NOW = Date.parse('2030-01-01T00:00:00Z') / 1000

describe('createVerifier', () => {
  const key = secret()
  let clock: ManualClock
  const options = (extra: Partial<VerifierOptions> = {}): VerifierOptions => ({
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    keys: { secrets: { 'kid-1': key } },
    requiredClaims: ['tnd'],
    clock,
    ...extra,
  })
  const token = (claims: Record<string, unknown> = {}) => mint({ key, claims, now: NOW })

  beforeEach(() => {
    clock = createManualClock(NOW * 1000)
  })

  describe('options, validated once', () => {
    const cases: Array<[string, Partial<VerifierOptions> | Record<string, unknown>, RegExp]> = [
      ['no issuer', { issuer: undefined }, /"issuer"/],
      ['empty issuer', { issuer: '' }, /"issuer"/],
      ['keys and issuers', { issuers: { a: {} } }, /"keys" or "issuers"|"issuers"/],
      ['neither keys nor issuers', { keys: undefined }, /"keys" or "issuers"/],
      ['audience of numbers', { audience: [1] }, /"audience"/],
      ['algorithms with none', { algorithms: ['none'] }, /"algorithms"/],
      ['algorithms with NONE', { algorithms: ['HS256', 'NONE'] }, /"algorithms"/],
      ['algorithms empty', { algorithms: [] }, /"algorithms"/],
      ['requiredClaims not an array', { requiredClaims: 'tnd' }, /"requiredClaims"/],
      ['clockTolerance negative', { clockTolerance: -1 }, /"clockTolerance"/],
      ['clockTolerance NaN', { clockTolerance: NaN }, /"clockTolerance"/],
      ['maxTokenAge malformed', { maxTokenAge: '1 hour' }, /"maxTokenAge"/],
      ['maxTokenAge zero', { maxTokenAge: 0 }, /"maxTokenAge"/],
      ['maxTokenLength zero', { maxTokenLength: 0 }, /"maxTokenLength"/],
      ['maxTokenLength fractional', { maxTokenLength: 100.5 }, /"maxTokenLength"/],
      ['maxTokenLength over 1 MiB', { maxTokenLength: 2 ** 21 }, /"maxTokenLength"/],
      ['cache max zero', { cache: { max: 0 } }, /"cache.max"/],
      ['cache true', { cache: true }, /"cache"/],
      ['clock without now', { clock: {} }, /"clock"/],
      ['revocations without has', { revocations: {} }, /"revocations"/],
      ['isRevoked not a function', { isRevoked: true }, /"isRevoked"/],
      ['checkClaims not a function', { checkClaims: 'no' }, /"checkClaims"/],
      ['onEvent not a function', { onEvent: 1 }, /"onEvent"/],
    ]
    for (const [name, extra, message] of cases) {
      it(`refuses ${name}, naming the option`, () => {
        expect(() => createVerifier({ ...options(), ...(extra as Partial<VerifierOptions>) })).to.throw(message)
      })
    }

    it('throws TypeError for wrong types and RangeError for values out of range', () => {
      expect(() => createVerifier({ ...options(), isRevoked: 1 as never })).to.throw(TypeError)
      expect(() => createVerifier({ ...options(), maxTokenLength: 0 })).to.throw(RangeError)
      expect(() => createVerifier({ ...options(), issuer: 'a', issuers: { a: {} }, keys: undefined })).to.throw(TypeError, /"issuers"/)
    })

    it('keeps its defaults in one visible object', () => {
      expect(VERIFIER_DEFAULTS).to.deep.equal({ clockTolerance: 5, maxTokenLength: 8192, cache: { max: 10000 } })
      expect(Object.isFrozen(VERIFIER_DEFAULTS)).to.equal(true)
    })

    it('exposes its clock and its own revocation list, or the one it was given', () => {
      const own = createVerifier(options())
      expect(own.clock).to.equal(clock)
      expect(own.revocations.size).to.equal(0)
      const shared = createRevocationList({ clock })
      expect(createVerifier(options({ revocations: shared })).revocations).to.equal(shared)
    })
  })

  describe('verification', () => {
    it('returns an AuthContext with claims, subject, tenant, expiry, permissions and the source', async () => {
      const auth = await createVerifier(options()).verify(await token(), 'cookie')
      expect(auth.source).to.equal('cookie')
      expect(auth.subject).to.equal('johndoe')
      expect(auth.tenant).to.equal('tenant-1')
      expect(auth.expiresAt).to.equal((NOW + 3600) * 1000)
      expect(auth.can('london', 'deliveryRides/johndoe-123', 'CU')).to.equal(true)
      expect(auth.can('london', 'deliveryRides/johndoe-123', 'D')).to.equal(false)
      expect(auth.providesData('london', 'deliveryRides/johndoe-123')).to.equal(true)
    })

    it('fails closed when the clock does not answer a finite number, cached or not', async () => {
      const expired = await token({ iat: NOW - 7200, exp: NOW - 3600 })
      const valid = await token()
      let answer: unknown = NOW * 1000
      // e.g. `now: () => Date.now`, the function instead of its result
      const broken = { now: () => answer as number, setTimeout, clearTimeout } as unknown as VerifierOptions['clock']
      const verifier = createVerifier(options({ clock: broken, maxTokenAge: '1h' }))
      await verifier.verify(valid)
      for (const value of [NaN, undefined, Date.now, Infinity, '2030']) {
        answer = value
        for (const t of [expired, valid]) {
          const err = await rejects(verifier.verify(t))
          expect(err, String(value)).to.be.instanceOf(AuthError)
          expect(err.code).to.equal('keys_unavailable')
          expect(err.cause.message).to.equal('"clock.now()" must return epoch milliseconds')
        }
      }
    })

    it("records the source as 'unknown' when none is given", async () => {
      expect((await createVerifier(options()).verify(await token())).source).to.equal('unknown')
    })

    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      it(`verifies ${alg}`, async () => {
        const auth = await createVerifier(options()).verify(await mint({ alg, key, now: NOW }))
        expect(auth.subject).to.equal('johndoe')
      })
    }
    const asymmetric: AsymmetricAlg[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']
    for (const alg of asymmetric) {
      it(`verifies ${alg}, and refuses it under another key of the same type`, async () => {
        const pair = keyPair(alg)
        const other = keyPair(alg, `${alg}-other`)
        const verifier = createVerifier(options({ keys: { publicKeys: { [pair.kid]: pair.publicJwk } } }))
        expect((await verifier.verify(await mint({ alg, key: pair.privateKey, kid: pair.kid, now: NOW }))).subject).to.equal('johndoe')
        const forged = await mint({ alg, key: other.privateKey, kid: pair.kid, now: NOW })
        expect((await rejects(verifier.verify(forged))).code).to.equal('invalid_token')
      })
    }

    it('returns a Promise even when the token is refused at once', async () => {
      const pending = createVerifier(options()).verify(42 as unknown as string)
      expect(pending).to.be.instanceOf(Promise)
      expect((await rejects(pending)).code).to.equal('invalid_request')
      expect((await rejects(createVerifier(options()).verify(''))).code).to.equal('invalid_request')
    })

    it('refuses an oversized token on its length, before decoding', async () => {
      const verifier = createVerifier(options({ maxTokenLength: 100 }))
      const err = await rejects(verifier.verify('!'.repeat(101)))
      expect(err.code).to.equal('invalid_token')
      expect(err.message).to.equal('The token is too long')
      expect((await rejects(verifier.verify('!'.repeat(100)))).message).not.to.equal('The token is too long')
    })

    it('applies the clock tolerance to exp and nbf', async () => {
      const verifier = createVerifier(options())
      expect((await verifier.verify(await token({ exp: NOW - 4 }))).subject).to.equal('johndoe')
      expect((await rejects(verifier.verify(await token({ exp: NOW - 5 })))).code).to.equal('token_expired')
      expect((await verifier.verify(await token({ nbf: NOW + 5 }))).subject).to.equal('johndoe')
      expect((await rejects(verifier.verify(await token({ nbf: NOW + 6 })))).code).to.equal('invalid_token')
      const strict = createVerifier(options({ clockTolerance: 0 }))
      expect((await rejects(strict.verify(await token({ exp: NOW })))).code).to.equal('token_expired')
    })

    it('refuses a token whose signing key belongs to another issuer', async () => {
      const other = secret()
      const verifier = createVerifier({ issuers: { 'a.example': { secrets: { a: key } }, 'b.example': { secrets: { b: other } } }, clock })
      expect((await verifier.verify(await mint({ key, kid: 'a', claims: { iss: 'a.example' }, now: NOW }))).subject).to.equal('johndoe')
      expect((await verifier.verify(await mint({ key: other, kid: 'b', claims: { iss: 'b.example' }, now: NOW }))).subject).to.equal('johndoe')
      const crossed = await mint({ key, kid: 'a', claims: { iss: 'b.example' }, now: NOW })
      expect((await rejects(verifier.verify(crossed))).code).to.equal('invalid_token')
    })

    it('accepts any of several audiences and issuers', async () => {
      const verifier = createVerifier(options({ audience: ['x', TEST_AUDIENCE], issuer: ['other', TEST_ISSUER] }))
      expect((await verifier.verify(await token({ aud: ['y', 'x'] }))).subject).to.equal('johndoe')
    })

    it('refuses a token older than maxTokenAge, and one without iat', async () => {
      const verifier = createVerifier(options({ maxTokenAge: '10m' }))
      expect((await verifier.verify(await token({ iat: NOW - 600 }))).subject).to.equal('johndoe')
      expect((await rejects(verifier.verify(await token({ iat: NOW - 606 })))).code).to.equal('token_expired')
      expect((await rejects(verifier.verify(await token({ iat: undefined })))).code).to.equal('invalid_token')
    })

    it('honours the algorithm allowlist', async () => {
      const verifier = createVerifier(options({ algorithms: ['HS512'] }))
      expect((await rejects(verifier.verify(await token()))).code).to.equal('invalid_token')
      expect((await verifier.verify(await mint({ alg: 'HS512', key, now: NOW }))).subject).to.equal('johndoe')
    })
  })

  describe('revocation and hooks', () => {
    it('refuses a revoked jti, cached or not, and accepts it again once restored', async () => {
      const verifier = createVerifier(options())
      const t = await token({ jti: 'static-7' })
      await verifier.verify(t)
      verifier.revocations.revoke('static-7')
      expect((await rejects(verifier.verify(t))).code).to.equal('token_revoked')
      expect(() => verifier.verifySync(t)).to.throw(AuthError).with.property('code', 'token_revoked')
      verifier.revocations.restore('static-7')
      expect((await verifier.verify(t)).subject).to.equal('johndoe')
    })

    it('sees revocations made in a shared list after the token was cached', async () => {
      const shared = createRevocationList({ clock })
      const verifier = createVerifier(options({ revocations: shared }))
      const t = await token({ jti: 'shared-1' })
      await verifier.verify(t)
      shared.revoke('shared-1', (NOW + 60) * 1000)
      expect((await rejects(verifier.verify(t))).code).to.equal('token_revoked')
    })

    it('refuses a cached token revoked while an async hook was pending', async () => {
      let verifier: SyncVerifier | undefined
      verifier = createVerifier(options({ checkClaims: async (claims) => verifier!.revocations.revoke(String(claims.jti)) }))
      const t = await token({ jti: 'racing' })
      await verifier.verify(t)
      expect((await rejects(verifier.verify(t))).code).to.equal('token_revoked')
    })

    it('asks isRevoked on every verification, cached or not, sync or async', async () => {
      const seen: string[] = []
      let revoked: boolean | Promise<boolean> = false
      const verifier = createVerifier(options({ isRevoked: (claims: Readonly<Claims>) => (seen.push(String(claims.jti)), revoked) }))
      const t = await token({ jti: 'hooked' })
      await verifier.verify(t)
      await verifier.verify(t)
      expect(seen).to.deep.equal(['hooked', 'hooked'])
      revoked = true
      expect((await rejects(verifier.verify(t))).code).to.equal('token_revoked')
      revoked = Promise.resolve(true)
      expect((await rejects(verifier.verify(t))).code).to.equal('token_revoked')
      revoked = Promise.resolve(false)
      expect((await verifier.verify(t)).subject).to.equal('johndoe')
    })

    it('fails closed with keys_unavailable when isRevoked throws, and passes an AuthError through', async () => {
      let failure: unknown = new Error('database down')
      const verifier = createVerifier(options({ isRevoked: () => { throw failure } }))
      const t = await token()
      expect((await rejects(verifier.verify(t))).code).to.equal('keys_unavailable')
      failure = new AuthError('token_revoked', 'Revoked upstream')
      expect((await rejects(verifier.verify(t))).message).to.equal('Revoked upstream')
      const rejecting = createVerifier(options({ isRevoked: () => Promise.reject(new Error('timeout')) }))
      expect((await rejects(rejecting.verify(t))).code).to.equal('keys_unavailable')
    })

    it('refuses through checkClaims: false, a thrown AuthError, an async false, a thrown error', async () => {
      const t = await token()
      const verdicts: Array<[VerifierOptions['checkClaims'], string]> = [
        [() => false, 'invalid_token'],
        [() => { throw new AuthError('insufficient_permission') }, 'insufficient_permission'],
        [async () => false, 'invalid_token'],
        [async () => { throw new Error('bug') }, 'invalid_token'],
        [() => { throw new TypeError('bug') }, 'invalid_token'],
      ]
      for (const [checkClaims, code] of verdicts) {
        expect((await rejects(createVerifier(options({ checkClaims })).verify(t))).code).to.equal(code)
      }
      expect((await createVerifier(options({ checkClaims: (c) => c.tnd === 'tenant-1' })).verify(t)).tenant).to.equal('tenant-1')
      expect((await createVerifier(options({ checkClaims: async () => undefined })).verify(t)).tenant).to.equal('tenant-1')
    })
  })

  describe('cache', () => {
    // checkClaims runs only on the uncached path, so it counts full verifications.
    function counting(extra: Partial<VerifierOptions> = {}): { verifier: SyncVerifier; runs: () => number } {
      let runs = 0
      const verifier = createVerifier(options({ checkClaims: () => { runs++ }, ...extra }))
      return { verifier, runs: () => runs }
    }

    it('serves a repeated token from the cache with a fresh context for this call', async () => {
      const { verifier, runs } = counting()
      const t = await token()
      const first = await verifier.verify(t, 'cookie')
      const second = await verifier.verify(t, 'bearer')
      expect(runs()).to.equal(1)
      expect(second).not.to.equal(first)
      expect(second.source).to.equal('bearer')
      expect(first.source).to.equal('cookie')
      expect(second.claims).to.deep.equal(first.claims)
    })

    it('hands out claims no request can change for the next one, or for the revocation hook', async () => {
      const seen: unknown[] = []
      const verifier = createVerifier(options({ isRevoked: (claims) => (seen.push(claims.jti), false) }))
      const t = await token({ jti: 'jti-frozen' })
      const first = await verifier.verify(t)
      expect(Object.isFrozen(first.claims)).to.equal(true)
      // Reflect reports a refused write without throwing, in strict and sloppy code alike.
      expect(Reflect.set(first.claims, 'tnd', 'tenant-2')).to.equal(false)
      expect(Reflect.deleteProperty(first.claims, 'jti')).to.equal(false)
      expect(Reflect.set(first.claims, 'admin', true)).to.equal(false)
      const second = await verifier.verify(t)
      expect(second.tenant).to.equal('tenant-1')
      expect(second.claims).to.not.have.property('admin')
      expect(seen).to.deep.equal(['jti-frozen', 'jti-frozen'])
    })

    it('caches no failure: 20,000 distinct forged tokens neither evict a good entry nor fill the cache', async () => {
      const { verifier, runs } = counting({ cache: { max: 4 } })
      const good = await token()
      verifier.verifySync(good)
      const [header, , signature] = good.split('.') as [string, string, string]
      let refused = 0
      for (let i = 0; i < 20_000; i++) {
        const forged = `${header}.${Buffer.from(`{"iss":"${TEST_ISSUER}","n":${i}}`).toString('base64url')}.${signature}`
        try {
          verifier.verifySync(forged)
        } catch (err) {
          if ((err as AuthError).code === 'invalid_token') refused++
        }
      }
      expect(refused).to.equal(20_000)
      verifier.verifySync(good)
      expect(runs()).to.equal(1)
    })

    it('verifies in full, and refuses, a forged token that ends like a cached one', async () => {
      const { verifier, runs } = counting()
      const good = await token()
      verifier.verifySync(good)
      const at = good.lastIndexOf('.') + 1
      // Same header, claims, length and signature ending: only the start of the signature differs.
      const forged = `${good.slice(0, at)}${good[at] === 'A' ? 'B' : 'A'}${good.slice(at + 1)}`
      expect(forged.length).to.equal(good.length)
      expect(forged.slice(-32)).to.equal(good.slice(-32))
      expect((await rejects(verifier.verify(forged))).code).to.equal('invalid_token')
      expect(() => verifier.verifySync(forged)).to.throw(AuthError, /signature/)
      expect(runs()).to.equal(1)
      expect(verifier.verifySync(good).subject).to.equal('johndoe')
      expect(runs()).to.equal(1)
    })

    it('serves an entry until the verifier would refuse the token (exp + clockTolerance), never past it', async () => {
      const { verifier, runs } = counting()
      const t = await token({ exp: NOW + 60 })
      await verifier.verify(t)
      clock.advance(64_999)
      // Within the tolerance the full check would accept it too: the cache answers the same.
      await verifier.verify(t)
      await verifier.verify(t)
      expect(runs()).to.equal(1)
      clock.advance(1)
      expect((await rejects(verifier.verify(t))).code).to.equal('token_expired')
      expect(runs()).to.equal(1)
    })

    it('never serves an entry past maxTokenAge', async () => {
      const { verifier } = counting({ maxTokenAge: 60 })
      const t = await token({ iat: NOW, exp: NOW + 3600 })
      await verifier.verify(t)
      clock.advance(66_000)
      expect((await rejects(verifier.verify(t))).code).to.equal('token_expired')
    })

    it('gives every context, fresh or cached, the same validUntil the cache entry dies at', async () => {
      const { verifier } = counting({ maxTokenAge: 60, clockTolerance: 2 })
      const t = await token({ iat: NOW, exp: NOW + 3600 })
      const fresh = await verifier.verify(t)
      expect(fresh.validUntil).to.equal((NOW + 63) * 1000)
      expect(fresh.expiresAt).to.equal((NOW + 3600) * 1000)
      clock.advance(62_999)
      expect((await verifier.verify(t)).validUntil).to.equal((NOW + 63) * 1000)
      clock.advance(1)
      expect((await rejects(verifier.verify(t))).code).to.equal('token_expired')
    })

    it('leaves validUntil undefined for a token no time limit applies to', async () => {
      const { verifier } = counting()
      const t = await token({ exp: undefined })
      expect((await verifier.verify(t)).validUntil).to.equal(undefined)
      expect(verifier.verifySync(t).validUntil).to.equal(undefined)
    })

    it('does not cache a token that is not valid yet', async () => {
      const { verifier, runs } = counting()
      const t = await token({ nbf: NOW + 3 })
      await verifier.verify(t)
      await verifier.verify(t)
      expect(runs()).to.equal(2)
    })

    it('never caches a failure', async () => {
      let revoked = true
      const verifier = createVerifier(options({ isRevoked: () => revoked }))
      const t = await token()
      expect((await rejects(verifier.verify(t))).code).to.equal('token_revoked')
      revoked = false
      expect((await verifier.verify(t)).subject).to.equal('johndoe')
    })

    it('can be switched off', async () => {
      const { verifier, runs } = counting({ cache: false })
      const t = await token()
      await verifier.verify(t)
      await verifier.verify(t)
      expect(runs()).to.equal(2)
    })

    it('is bounded by cache.max, evicting the least recently used token', async () => {
      const { verifier, runs } = counting({ cache: { max: 2 } })
      const [a, b, c] = await Promise.all([token({ jti: 'a' }), token({ jti: 'b' }), token({ jti: 'c' })])
      await verifier.verify(a)
      await verifier.verify(b)
      await verifier.verify(c)
      expect(runs()).to.equal(3)
      await verifier.verify(c)
      expect(runs()).to.equal(3)
      await verifier.verify(a)
      expect(runs()).to.equal(4)
    })
  })

  describe('live keys: a synchronous lookup with a lookupVersion', () => {
    const live = () => {
      const keys = new Map<string, ReturnType<typeof createSecretKey>>([['live-1', createSecretKey(key)]])
      let version = 0
      return {
        retire(kid: string) {
          keys.delete(kid)
          version++
        },
        keys: {
          lookup: (header: { kid?: string }) => {
            const found = header.kid === undefined ? undefined : keys.get(header.kid)
            return found === undefined ? undefined : { kid: header.kid, key: found, algorithms: ['HS256' as const] }
          },
          lookupVersion: () => version,
        },
      }
    }

    it('verifies synchronously, so verifySync serves keys held in memory', async () => {
      const registry = live()
      const verifier = createVerifier(options({ keys: registry.keys }))
      const t = await mint({ key, kid: 'live-1', now: NOW })
      expect(verifier.verifySync(t).subject).to.equal('johndoe')
    })

    it('refuses a cached token at once when its key is retired', async () => {
      const registry = live()
      const verifier = createVerifier(options({ keys: registry.keys }))
      const t = await mint({ key, kid: 'live-1', now: NOW })
      expect(verifier.verifySync(t).subject).to.equal('johndoe')
      expect(verifier.verifySync(t).subject).to.equal('johndoe')
      registry.retire('live-1')
      expect(() => verifier.verifySync(t)).to.throw(AuthError).with.property('code', 'invalid_token')
      expect((await rejects(verifier.verify(t))).code).to.equal('invalid_token')
    })

    it('keeps cached tokens of the keys that stay', async () => {
      const registry = live()
      let lookups = 0
      const counted = { ...registry.keys, lookup: (h: { kid?: string }) => (lookups++, registry.keys.lookup(h)) }
      const verifier = createVerifier(options({ keys: counted }))
      const t = await mint({ key, kid: 'live-1', now: NOW })
      verifier.verifySync(t)
      verifier.verifySync(t)
      expect(lookups).to.equal(1)
    })

    it('refuses a lookupVersion without a lookup, or of the wrong type, naming the option', () => {
      expect(() => createVerifier(options({ keys: { secrets: { a: key }, lookupVersion: () => 0 } }))).to.throw(/"keys.lookupVersion" needs "keys.lookup"/)
      expect(() => createVerifier(options({ keys: { lookup: () => undefined, lookupVersion: 1 as never } }))).to.throw(/"keys.lookupVersion" must be a function/)
    })
  })

  describe('verifySync', () => {
    it('returns the same context as verify for local keys and sync hooks', async () => {
      const verifier = createVerifier(options({ isRevoked: () => false, checkClaims: () => true }))
      const t = await token()
      expect(verifier.verifySync(t, 'bearer').subject).to.equal('johndoe')
      expect(verifier.verifySync(t, 'bearer').source).to.equal('bearer')
    })

    it('throws the AuthError of a refused token', async () => {
      expect(() => createVerifier(options()).verifySync('a.b.c')).to.throw(AuthError).with.property('code', 'invalid_token')
    })

    it('throws a TypeError when a hook or the key store answers with a Promise', async () => {
      const t = await token()
      const asyncRevoked = createVerifier(options({ isRevoked: async () => false }))
      expect(() => asyncRevoked.verifySync(t)).to.throw(NotSynchronousError, /isRevoked/).with.property('code', 'ERR_HIVEGATE_NOT_SYNC')
      const asyncCheck = createVerifier(options({ checkClaims: async () => true }))
      expect(() => asyncCheck.verifySync(t)).to.throw(TypeError, /checkClaims/)
      const lookup = createVerifier(options({ keys: { lookup: async () => undefined } }))
      expect(() => lookup.verifySync(t)).to.throw(TypeError, /key store/)
      // verify() still works for the same verifiers.
      expect((await asyncRevoked.verify(t)).subject).to.equal('johndoe')
      expect((await asyncCheck.verify(t)).subject).to.equal('johndoe')
    })
  })
})
