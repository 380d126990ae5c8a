import { AuthError } from './errors.js'
import { TokenCache } from './cache.js'
import { checkRegisteredClaims, type ClaimVerdict } from './claims.js'
import { decodeCompact, type DecodedJws } from './jws.js'
import { ALGORITHM_SPECS, verifySignature } from './signature.js'
import { createRevocationList, InMemoryRevocationList } from './revocation.js'
import { resolveVerifierOptions } from './verifier-options.js'
import { askCheckClaims, askIsRevoked, isPromise, NotSynchronousError, notSynchronous, toAuthError } from './verifier-hooks.js'
import type { Clock } from './clock.js'
import type { CompiledPermissions } from './permissions.js'
import type { AuthContext } from './auth-context.js'
import type { Claims } from './claims.js'
import type { JwsHeader } from './jws.js'
import type { Algorithm } from './keys/algorithms.js'
import type { VerifierEvent } from './keys/events.js'
import type { VerificationKey } from './keys/options.js'
import type { VerifierOptions } from './verifier-options.js'
import type { SyncVerifier, TokenCheck } from './verifier.js'

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

/**
 * What a stage answers: `undefined` to go on to the next stage, the index of the stage to go on
 * with, or a Promise to wait for before going on with the next one.
 */
type Step = number | undefined | Promise<unknown>

/** One stage of verification, reading and filling the run's state. */
interface Stage<S> {
  /** What may make this stage wait, as `NotSynchronousError` names it. */
  readonly waits: string
  run(state: S): Step
}

/** Source name recorded when `verify` is called without one. */
export const UNKNOWN_SOURCE = 'unknown'

/** What one verification has found so far; every stage reads and fills it. */
interface Verification {
  readonly token: string
  readonly source: string
  readonly check: TokenCheck | undefined
  /** Epoch ms, read once per synchronous stretch: again after every wait. */
  now: number
  jws: DecodedJws | undefined
  keysAt: number
  keys: readonly VerificationKey[] | undefined
  claims: Claims | undefined
  verdict: ClaimVerdict | undefined
  auth: AuthContext | undefined
}

// A literal of one shape: the fastest object V8 makes, and one hidden class for every stage to read.
function startVerification(token: string, source: string, check: TokenCheck | undefined, now: number): Verification {
  return { token, source, check, now, jws: undefined, keysAt: 0, keys: undefined, claims: undefined, verdict: undefined, auth: undefined }
}

const authOf = (state: Verification): AuthContext => state.auth!

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

  // The head of the stage list, size → cache, reads only the arguments: it runs in `run` itself, so
  // a cache hit goes its short route (revocation → context) without building a state at all.
  function checkSize(token: string, check: TokenCheck | undefined): void {
    if (typeof token !== 'string' || token.length === 0) throw new AuthError('invalid_request', 'The token must be a non-empty string')
    if (token.length > maxTokenLength) {
      // The source's own verdict comes first, as it did when the source checked before the verifier.
      if (check !== undefined && !check.passes(token)) throw new AuthError('invalid_request', check.reason)
      throw new AuthError('invalid_token', 'The token is too long')
    }
  }

  // A hit made under the current keys, or undefined. A cached token was proven strict base64url
  // compact JWS when admitted, so the source check is not due for it.
  function lookup(cache: TokenCache<Verified>, token: string, now: number): Verified | undefined {
    const hit = cache.get(token, now)
    return hit === undefined || (keysVersion !== undefined && hit.keysVersion !== keysVersion()) ? undefined : hit
  }

  // The short route's revocation stage: the list (skipped while nothing was added since the last look), then isRevoked.
  function revokedHit(hit: Verified): Promise<void> | undefined {
    if (builtIn === undefined) {
      if (revokedByList(hit.jti)) throw new AuthError('token_revoked')
    } else if (hit.listVersion !== builtIn.version) {
      if (builtIn.revoked(hit.jti)) throw new AuthError('token_revoked')
      hit.listVersion = builtIn.version
    }
    return isRevoked === undefined ? undefined : askIsRevoked(isRevoked, hit.claims)
  }

  function fromCache(token: string, source: string, hit: Verified, sync: boolean): AuthContext | Promise<AuthContext> {
    const pending = revokedHit(hit)
    if (pending === undefined) return createAuthContext(token, source, hit.claims, hit.permissions, hit.validUntil)
    if (sync) throw notSynchronous('isRevoked', pending)
    return afterRevocationHook(pending, token, source, hit)
  }

  // Apart from fromCache, so the hot path creates no closure.
  function afterRevocationHook(pending: Promise<void>, token: string, source: string, hit: Verified): Promise<AuthContext> {
    return pending.then(() => createAuthContext(token, source, hit.claims, hit.permissions, hit.validUntil), rejectAsAuthError)
  }

  // The rest of the list, for a token the cache does not hold; a stage these options do not need is left out.
  const sourceCheck: Stage<Verification> = {
    waits: 'the source check',
    run({ token, check }) {
      // A check every JWS passes is left to decoding, which refuses first what the check would.
      if (check !== undefined && check.admitsEveryJws !== true && !check.passes(token)) throw new AuthError('invalid_request', check.reason)
      return undefined
    },
  }
  const decode: Stage<Verification> = {
    waits: 'decoding',
    run(state) {
      try {
        // Read before any key work too, so a broken clock cannot make unsigned tokens fetch a JWKS.
        if (cache === undefined) state.now = currentTime()
        state.jws = decodeCompact(state.token, allowed)
      } catch (err) {
        // Only a token the source check refuses can fail here first: that check's verdict comes first.
        const check = state.check
        if (check !== undefined && check.admitsEveryJws === true && !check.passes(state.token)) throw new AuthError('invalid_request', check.reason)
        throw err
      }
      // Read before selecting: a key retired while a lookup is pending must not be cached as current.
      state.keysAt = keysVersion === undefined ? 0 : keysVersion()
      return undefined
    },
  }
  const key: Stage<Verification> = {
    waits: 'the key store (remote JWKS or a key lookup)',
    run(state) {
      const jws = state.jws!
      const keys = store.select(jws.header, jws.claims)
      if (!isPromise<readonly VerificationKey[]>(keys)) {
        state.keys = keys
        return undefined
      }
      return keys.then((found) => {
        state.keys = found
      })
    },
  }
  const signature: Stage<Verification> = {
    waits: 'the signature check',
    run(state) {
      const { spec, signingInput, signature: sig, claims } = state.jws!
      const keys = state.keys!
      let valid = false
      for (let i = 0; i < keys.length && !valid; i++) {
        const candidate = keys[i]!
        valid = candidate.algorithms.includes(spec.alg) && verifySignature(spec, candidate.key, signingInput, sig)
      }
      if (!valid) throw new AuthError('invalid_token', 'The token signature is invalid')
      // Frozen once verified: the cached claims are shared by every later request with this token.
      state.claims = Object.freeze(claims)
      return undefined
    },
  }
  const registeredClaims: Stage<Verification> = {
    waits: 'the claims check',
    run(state) {
      state.verdict = checkRegisteredClaims(state.claims!, Math.floor(state.now / 1000), rules)
      return undefined
    },
  }
  const revocation: Stage<Verification> = {
    waits: 'isRevoked',
    run(state): Step {
      const claims = state.claims!
      if (revokedByList(claims.jti)) throw new AuthError('token_revoked')
      return isRevoked === undefined ? undefined : askIsRevoked(isRevoked, claims)
    },
  }
  const claimsHook: Stage<Verification> = {
    waits: 'checkClaims',
    // A cached token passed it when it was admitted, so the short route has no such stage.
    run: (state) => askCheckClaims(checkClaims!, state.claims!),
  }
  const context: Stage<Verification> = {
    waits: 'the AuthContext',
    run(state) {
      const { token, source } = state
      const claims = state.claims!
      const verdict = state.verdict!
      const permissions = compilePermissions(claims)
      const until = verdict.validUntil
      const validUntil = until === Infinity ? undefined : until
      // listVersion -1: the first hit looks the jti up, since a hook may have awaited after the list was checked.
      if (cache !== undefined && verdict.cacheable && until > state.now) {
        cache.set(token, { claims, permissions, jti: claims.jti, validUntil, listVersion: -1, keysVersion: state.keysAt }, until)
      }
      state.auth = createAuthContext(token, source, claims, permissions, validUntil)
      return undefined
    },
  }
  const stages: Stage<Verification>[] = [sourceCheck, decode, key, signature, registeredClaims, revocation]
  if (checkClaims !== undefined) stages.push(claimsHook)
  stages.push(context)
  const count = stages.length

  // Each stage is called by name rather than through the list, so the engine can inline it: the
  // list decides the order, this only dispatches.
  function runStage(stage: Stage<Verification>, state: Verification): Step {
    if (stage === sourceCheck) return sourceCheck.run(state)
    if (stage === decode) return decode.run(state)
    if (stage === key) return key.run(state)
    if (stage === signature) return signature.run(state)
    if (stage === registeredClaims) return registeredClaims.run(state)
    if (stage === revocation) return revocation.run(state)
    if (stage === claimsHook) return claimsHook.run(state)
    return context.run(state)
  }

  /**
   * The one runner: goes through the stages from `at`, synchronously for as long as every stage
   * answers at once; the state itself when none had to wait, else a Promise of it. With `sync`, a
   * stage that would wait throws `NotSynchronousError` instead (its pending answer dropped quietly).
   */
  function runFrom(state: Verification, at: number, sync: boolean): Verification | Promise<Verification> {
    let i = at
    while (i < count) {
      const stage = stages[i]!
      const step = runStage(stage, state)
      if (step === undefined) i++
      else if (typeof step === 'number') i = step
      else if (sync) throw notSynchronous(stage.waits, step)
      else return resume(state, step, i + 1)
    }
    return state
  }

  async function resume(state: Verification, pending: Promise<unknown>, next: number): Promise<Verification> {
    await pending
    state.now = currentTime()
    return runFrom(state, next, false)
  }

  // The AuthContext when no stage waited, else a Promise; every refusal an AuthError. `verify` and `verifySync` are its two forms.
  function run(token: string, source: string = UNKNOWN_SOURCE, check?: TokenCheck, sync = false): AuthContext | Promise<AuthContext> {
    let state: Verification
    let result: Verification | Promise<Verification>
    try {
      checkSize(token, check)
      // Without a cache, the clock is first read by decoding, after the source check.
      const now = cache === undefined ? NaN : currentTime()
      const hit = cache === undefined ? undefined : lookup(cache, token, now)
      if (hit !== undefined) return fromCache(token, source, hit, sync)
      state = startVerification(token, source, check, now)
      result = runFrom(state, 0, sync)
    } catch (err) {
      throw err instanceof NotSynchronousError ? err : toAuthError(err)
    }
    return result === state ? state.auth! : (result as Promise<Verification>).then(authOf, rejectAsAuthError)
  }

  return {
    run,
    verify(token: string, source: string = UNKNOWN_SOURCE): Promise<AuthContext> {
      try {
        const result = run(token, source)
        return isPromise<AuthContext>(result) ? result : Promise.resolve(result)
      } catch (err) {
        return Promise.reject(err)
      }
    },
    verifySync: (token: string, source: string = UNKNOWN_SOURCE) => run(token, source, undefined, true) as AuthContext,
    revocations,
    clock,
  }
}

function rejectAsAuthError(err: unknown): never {
  throw toAuthError(err)
}
