import { AuthError } from './errors.js'
import { TokenCache } from './cache.js'
import { checkRegisteredClaims, type ClaimVerdict } from './claims.js'
import { ALGORITHM_SPECS, decodeCompact, verifySignature, type DecodedJws } from './jws.js'
import { createRevocationList, InMemoryRevocationList } from './revocation.js'
import { resolveVerifierOptions } from './verifier-options.js'
import { askCheckClaims, askIsRevoked, isPromise, NotSynchronousError, notSynchronous, toAuthError } from './verifier-hooks.js'
import type { Clock } from './clock.js'
import type { CompiledPermissions } from './permissions.js'
import type { Algorithm, AuthContext, Claims, JwsHeader, SyncVerifier, VerificationKey, Verifier, VerifierEvent, VerifierOptions } from './types.js'

/** The part of the key store the verifier uses. */
export interface KeySource {
  readonly algorithms: ReadonlySet<Algorithm>
  /** Grows when a key may have gone away; see KeyStore.version. */
  readonly version?: () => number
  select(header: Readonly<JwsHeader>, claims: Readonly<Claims>): readonly VerificationKey[] | Promise<readonly VerificationKey[]>
}

/** What the verifier is assembled from; {@link createVerifier} passes the real modules. */
export interface VerifierParts {
  createKeyStore(options: {
    issuer: VerifierOptions['issuer']
    keys: VerifierOptions['keys']
    issuers: VerifierOptions['issuers']
    algorithms: VerifierOptions['algorithms']
    clock: Clock
    onEvent: ((event: VerifierEvent) => void) | undefined
  }): KeySource
  compilePermissions(claims: Claims): CompiledPermissions
  createAuthContext(token: string, source: string, claims: Readonly<Claims>, permissions: CompiledPermissions, validUntil: number | undefined): AuthContext
}

interface Verified {
  readonly claims: Claims
  readonly permissions: CompiledPermissions
  /** `claims.jti`, read once: the revocation check runs on every hit. */
  readonly jti: unknown
  /** The AuthContext's `validUntil`; also the entry's lifetime in the cache. */
  readonly validUntil: number | undefined
  /** Version of the built-in revocation list at the last check that found `jti` not revoked. */
  listVersion: number
  /** The key store's version when its keys were selected: another version means verify again. */
  readonly keysVersion: number
}

type Result = AuthContext | Promise<AuthContext>

/** Source name recorded when `verify` is called without one. */
export const UNKNOWN_SOURCE = 'unknown'

/** A verification that gives the AuthContext itself when nothing had to wait, else a Promise of it. */
export type EagerVerify = (token: string, source: string) => AuthContext | Promise<AuthContext>

/** {@link EagerVerify} for a token in the verifier's cache only: undefined when it is not there. */
export type CachedVerify = (token: string, source: string) => AuthContext | Promise<AuthContext> | undefined

interface InternalRuns {
  readonly eager: EagerVerify
  readonly cached: CachedVerify | undefined
}

const internalRuns = new WeakMap<Verifier, InternalRuns>()

/**
 * The eager form of a verifier built here, for callers that can go on synchronously (the
 * authenticator): no Promise on the common path; a refusal known at once is thrown as an
 * AuthError, a later one rejects. Undefined for a verifier built elsewhere.
 */
export function eagerVerifyOf(verifier: Verifier): EagerVerify | undefined {
  return internalRuns.get(verifier)?.eager
}

/**
 * The cache-only form of a verifier built here with its cache on: the eager verification of a
 * token the cache holds (revocation checked as on every hit), or undefined for any other token,
 * which is left untouched. A cached token was proven strict base64url compact JWS when it was
 * admitted, so a caller may skip its own character checks when this answers.
 */
export function cachedVerifyOf(verifier: Verifier): CachedVerify | undefined {
  return internalRuns.get(verifier)?.cached
}

/** Builds a verifier from its parts; see {@link createVerifier}. */
export function assembleVerifier(options: VerifierOptions, parts: VerifierParts): SyncVerifier {
  const resolved = resolveVerifierOptions(options)
  const { rules, maxTokenLength, clock, isRevoked, checkClaims } = resolved
  const revocations = resolved.revocations ?? createRevocationList({ clock })
  const store = parts.createKeyStore({
    issuer: options.issuers === undefined ? options.issuer : undefined,
    keys: options.keys,
    issuers: options.issuers,
    algorithms: options.algorithms,
    clock,
    onEvent: options.onEvent,
  })
  const allowed = new Set<string>([...store.algorithms].filter((alg) => Object.hasOwn(ALGORITHM_SPECS, alg)))
  const cache = resolved.cacheMax > 0 ? new TokenCache<Verified>(resolved.cacheMax) : undefined
  const { compilePermissions, createAuthContext } = parts
  const keysVersion = store.version
  const fresh = (hit: Verified): boolean => keysVersion === undefined || hit.keysVersion === keysVersion()

  const builtIn = revocations instanceof InMemoryRevocationList ? revocations : undefined
  const revokedByList: (jti: unknown) => boolean =
    builtIn !== undefined ? (jti) => builtIn.revoked(jti) : (jti) => typeof jti === 'string' && revocations.has(jti)

  // A clock answering NaN (say `now: () => Date.now`, not called) would pass every date check: fail closed.
  function currentTime(): number {
    const now = clock.now()
    if (typeof now !== 'number' || !Number.isFinite(now)) {
      throw new AuthError('keys_unavailable', 'The server cannot tell the time', { cause: new TypeError('"clock.now()" must return epoch milliseconds') })
    }
    return now
  }

  function fromCache(token: string, source: string, hit: Verified, sync: boolean): Result {
    if (builtIn === undefined) {
      if (revokedByList(hit.jti)) throw new AuthError('token_revoked')
    } else if (hit.listVersion !== builtIn.version) {
      // Equal versions mean nothing was added since this entry was last found not revoked: skip the lookup.
      if (builtIn.revoked(hit.jti)) throw new AuthError('token_revoked')
      hit.listVersion = builtIn.version
    }
    if (isRevoked !== undefined) {
      const pending = askIsRevoked(isRevoked, hit.claims, sync)
      if (pending !== undefined) return pending.then(() => createAuthContext(token, source, hit.claims, hit.permissions, hit.validUntil))
    }
    return createAuthContext(token, source, hit.claims, hit.permissions, hit.validUntil)
  }

  function admit(token: string, source: string, claims: Claims, verdict: ClaimVerdict, keysAt: number): AuthContext {
    const permissions = compilePermissions(claims)
    const until = verdict.validUntil
    const validUntil = until === Infinity ? undefined : until
    // listVersion -1: the first hit looks the jti up, since a hook may have awaited after the list was checked.
    if (cache !== undefined && verdict.cacheable && until > currentTime()) {
      cache.set(token, { claims, permissions, jti: claims.jti, validUntil, listVersion: -1, keysVersion: keysAt }, until)
    }
    return createAuthContext(token, source, claims, permissions, validUntil)
  }

  function runClaimsCheck(token: string, source: string, claims: Claims, verdict: ClaimVerdict, sync: boolean, keysAt: number): Result {
    const pending = checkClaims === undefined ? undefined : askCheckClaims(checkClaims, claims, sync)
    if (pending === undefined) return admit(token, source, claims, verdict, keysAt)
    return pending.then(() => admit(token, source, claims, verdict, keysAt))
  }

  function finish(token: string, source: string, jws: DecodedJws, keys: readonly VerificationKey[], sync: boolean, keysAt: number): Result {
    const { spec, signingInput, signature } = jws
    let valid = false
    for (let i = 0; i < keys.length && !valid; i++) {
      const candidate = keys[i]!
      valid = candidate.algorithms.includes(spec.alg) && verifySignature(spec, candidate.key, signingInput, signature)
    }
    if (!valid) throw new AuthError('invalid_token', 'The token signature is invalid')
    // Frozen once verified: the cached claims are shared by every later request with this token.
    const claims = Object.freeze(jws.claims)
    const verdict = checkRegisteredClaims(claims, Math.floor(currentTime() / 1000), rules)
    if (revokedByList(claims.jti)) throw new AuthError('token_revoked')
    const pending = isRevoked === undefined ? undefined : askIsRevoked(isRevoked, claims, sync)
    if (pending === undefined) return runClaimsCheck(token, source, claims, verdict, sync, keysAt)
    return pending.then(() => runClaimsCheck(token, source, claims, verdict, false, keysAt))
  }

  function run(token: string, source: string, sync: boolean): Result {
    if (typeof token !== 'string' || token.length === 0) throw new AuthError('invalid_request', 'The token must be a non-empty string')
    if (token.length > maxTokenLength) throw new AuthError('invalid_token', 'The token is too long')
    // Read before any key work too, so a broken clock cannot make unsigned tokens fetch a JWKS.
    const now = currentTime()
    if (cache !== undefined) {
      const hit = cache.get(token, now)
      if (hit !== undefined && fresh(hit)) return fromCache(token, source, hit, sync)
    }
    const jws = decodeCompact(token, allowed)
    // Read before selecting: a key retired while a lookup is pending must not be cached as current.
    const keysAt = keysVersion === undefined ? 0 : keysVersion()
    const keys = store.select(jws.header, jws.claims)
    if (!isPromise<readonly VerificationKey[]>(keys)) return finish(token, source, jws, keys, sync, keysAt)
    if (sync) throw notSynchronous('the key store (remote JWKS or a key lookup)', keys)
    return keys.then((found) => finish(token, source, jws, found, false, keysAt))
  }

  function eager(token: string, source: string): Result {
    try {
      const result = run(token, source, false)
      return isPromise<AuthContext>(result) ? Promise.resolve(result).catch(rejectAsAuthError) : result
    } catch (err) {
      throw toAuthError(err)
    }
  }

  function cached(token: string, source: string): Result | undefined {
    try {
      const hit = cache!.get(token, currentTime())
      if (hit === undefined || !fresh(hit)) return undefined
      const result = fromCache(token, source, hit, false)
      return isPromise<AuthContext>(result) ? Promise.resolve(result).catch(rejectAsAuthError) : result
    } catch (err) {
      throw toAuthError(err)
    }
  }

  const verifier: SyncVerifier = {
    verify(token: string, source: string = UNKNOWN_SOURCE): Promise<AuthContext> {
      try {
        const result = run(token, source, false)
        return isPromise<AuthContext>(result) ? result.catch(rejectAsAuthError) : Promise.resolve(result)
      } catch (err) {
        return Promise.reject(toAuthError(err))
      }
    },
    verifySync(token: string, source: string = UNKNOWN_SOURCE): AuthContext {
      try {
        return run(token, source, true) as AuthContext
      } catch (err) {
        throw err instanceof NotSynchronousError ? err : toAuthError(err)
      }
    },
    revocations,
    clock,
  }
  internalRuns.set(verifier, { eager, cached: cache === undefined ? undefined : cached })
  return verifier
}

function rejectAsAuthError(err: unknown): never {
  throw toAuthError(err)
}
