import { createDpopCheck, type DpopCheck } from './dpop/check.js'
import { resolveDpopOptions } from './dpop/options.js'
import { dpopGuardedVerifier } from './dpop/verifier.js'
import { AuthError, isAuthError } from './errors.js'
import { assertBoolean, assertOneOf, assertString, optionTypeError } from './options.js'
import { assertOriginRule, isOriginAllowed } from './origin.js'
import type { RequestView } from './request-view.js'
import { createResolver, createUncheckedResolver, RESOLVER_DEFAULTS, type MaybeUncheckedToken } from './resolver/index.js'
import type {
  AuthContext,
  AuthenticateOptions,
  Authenticator,
  AuthenticatorOptions,
  OriginRule,
  ResolvedToken,
  ResolverOptions,
  SyncVerifier,
  Verifier,
  VerifierOptions,
} from './types.js'
import { createFailureThrottle, type FailureThrottle } from './throttle/index.js'
import { createVerifier } from './verifier.js'
import { cachedVerifyOf, eagerVerifyOf } from './verifier-engine.js'
import { isPromise, notSynchronous, NotSynchronousError } from './verifier-hooks.js'

/** Every key of {@link VerifierOptions}: these build a verifier and exclude `verifier`. */
export const VERIFIER_OPTION_NAMES = Object.freeze([
  'issuer', 'audience', 'keys', 'issuers', 'algorithms', 'requiredClaims', 'clockTolerance', 'maxTokenAge',
  'maxTokenLength', 'isRevoked', 'revocations', 'checkClaims', 'cache', 'clock', 'onEvent',
] as const satisfies ReadonlyArray<keyof VerifierOptions>)

/** Defaults of the authenticator's own options. */
export const AUTHENTICATOR_DEFAULTS = Object.freeze({
  optional: false as boolean,
  allowedOrigins: undefined as OriginRule | undefined,
  realm: undefined as string | undefined,
  checkOrigin: 'unsafe-methods' as NonNullable<AuthenticateOptions['checkOrigin']>,
})

const CHECK_ORIGIN_VALUES = ['always', 'unsafe-methods'] as const
type CheckOrigin = NonNullable<AuthenticateOptions['checkOrigin']>

function checkOriginOf(call: AuthenticateOptions | undefined): CheckOrigin {
  if (call?.checkOrigin === undefined) return AUTHENTICATOR_DEFAULTS.checkOrigin
  assertOneOf('checkOrigin', call.checkOrigin, CHECK_ORIGIN_VALUES)
  return call.checkOrigin
}

/** GET, HEAD and OPTIONS change nothing (RFC 9110 §9.2.1), so a forged one gains nothing. */
function isSafeMethod(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS'
}

function buildVerifier(options: AuthenticatorOptions): Verifier {
  const given = VERIFIER_OPTION_NAMES.filter((name) => options[name] !== undefined)
  if (options.verifier !== undefined) {
    if (given.length > 0) throw new TypeError(`"verifier" cannot be combined with verifier options (${given.map((n) => `"${n}"`).join(', ')})`)
    const { verifier } = options
    if (typeof verifier !== 'object' || verifier === null || typeof verifier.verify !== 'function') {
      throw optionTypeError('verifier', 'a Verifier from createVerifier()', verifier)
    }
    return verifier
  }
  const verifierOptions: Record<string, unknown> = {}
  for (const name of given) verifierOptions[name] = options[name]
  return createVerifier(verifierOptions as VerifierOptions)
}

function resolverOptions(options: AuthenticatorOptions, dpop: DpopCheck | undefined): ResolverOptions {
  const picked: { -readonly [K in keyof ResolverOptions]: ResolverOptions[K] } = {}
  if (options.sources !== undefined) picked.sources = options.sources
  if (dpop !== undefined) picked.sources = dpop.sources(options.sources ?? RESOLVER_DEFAULTS.sources)
  if (options.cookieName !== undefined) picked.cookieName = options.cookieName
  if (options.queryParameter !== undefined) picked.queryParameter = options.queryParameter
  return picked
}

/**
 * Builds the pipeline every adapter runs, so none of them writes it: resolve the token → verify it
 * → for a cookie-authenticated unsafe request, check its origin (CSRF). Options are validated
 * here, once. Rejections are AuthErrors carrying the configured `realm`.
 *
 * @example
 * ```ts
 * const authenticator = createAuthenticator({ issuer: 'platform.example', keys: { secrets: { 'kid-1': secret } } })
 * const auth = await authenticator.authenticate({ headers: req.headers, rawHeaders: req.rawHeaders, method: req.method })
 * // upgrades are GETs a cross-site page can start: check the origin of cookie-carried tokens anyway
 * await authenticator.authenticate(view, { checkOrigin: 'always' })
 * // hot path: no Promise when nothing had to wait (local keys, synchronous hooks)
 * const result = authenticator.authenticateEager(view)
 * if (result instanceof Promise) result.then(accept, refuse)
 * else accept(result)
 * ```
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  if (typeof options !== 'object' || options === null) throw optionTypeError('options', 'an object', options)
  const settings = { ...AUTHENTICATOR_DEFAULTS }
  if (options.optional !== undefined) assertBoolean('optional', (settings.optional = options.optional))
  if (options.realm !== undefined) assertString('realm', (settings.realm = options.realm))
  assertOriginRule('allowedOrigins', (settings.allowedOrigins = options.allowedOrigins))
  const verifier = buildVerifier(options)
  const dpopSettings = resolveDpopOptions(options.dpop, verifier.clock)
  const dpop = dpopSettings === undefined ? undefined : createDpopCheck(dpopSettings, verifier.clock)
  const resolve = createResolver(resolverOptions(options, dpop))
  const { optional, realm, allowedOrigins } = settings
  const throttle: FailureThrottle | undefined = options.throttle === undefined || options.throttle === false ? undefined : createFailureThrottle(options.throttle, verifier.clock)

  const eagerVerify = eagerVerifyOf(verifier)
  const verify = eagerVerify ?? ((token: string, source: string) => verifier.verify(token, source))
  // With a cache to ask, a bearer or cookie token's character check is paid only on a cache miss.
  const cachedVerify = cachedVerifyOf(verifier)
  const resolveUnchecked = cachedVerify === undefined ? undefined : createUncheckedResolver(resolverOptions(options, dpop))
  const verifySync = 'verifySync' in verifier && typeof verifier.verifySync === 'function' ? (verifier as SyncVerifier) : undefined

  function withRealm(err: unknown): unknown {
    if (realm !== undefined && isAuthError(err) && err.realm === undefined) err.realm = realm
    return err
  }

  function rejectWithRealm(err: unknown): never {
    throw withRealm(err)
  }

  // Only a cookie rides along on a cross-site request; a header or a message cannot be forged.
  function checkOrigin(view: RequestView, source: string, mode: CheckOrigin, auth: AuthContext): AuthContext {
    if (source === 'cookie' && (mode === 'always' || !isSafeMethod(view.method)) && !isOriginAllowed(view, allowedOrigins)) {
      throw new AuthError('origin_not_allowed')
    }
    return auth
  }

  // The token to verify; null when `optional` lets a request without one through.
  function find(view: RequestView): ResolvedToken | null {
    const found = resolve(view)
    if (found === null && !optional) throw new AuthError('credentials_required')
    return found
  }

  // `find`, but a bearer or cookie token may come back with its check still due (see verifyFound).
  function findUnchecked(view: RequestView): MaybeUncheckedToken | ResolvedToken | null {
    if (resolveUnchecked === undefined) return find(view)
    const found = resolveUnchecked(view)
    if (found === null && !optional) throw new AuthError('credentials_required')
    return found
  }

  // A cached token is strict base64url compact JWS, which every built-in check accepts: only a miss pays it.
  function verifyFound(found: MaybeUncheckedToken | ResolvedToken): AuthContext | Promise<AuthContext> {
    const { token, source } = found
    const check = (found as Partial<MaybeUncheckedToken>).check
    if (check === undefined) return verify(token, source)
    const hit = cachedVerify!(token, source)
    if (hit !== undefined) return hit
    if (!check.passes(token)) throw new AuthError('invalid_request', check.reason)
    return verify(token, source)
  }

  // The result itself when nothing had to wait, else a Promise; a refusal known at once is thrown.
  function run(view: RequestView, mode: CheckOrigin): AuthContext | undefined | Promise<AuthContext | undefined> {
    const found = findUnchecked(view)
    if (found === null) return undefined
    const { source } = found
    const auth = verifyFound(found)
    if (dpop !== undefined) return runDpop(dpop, view, found, mode, auth)
    if (!isPromise<AuthContext>(auth)) return checkOrigin(view, source, mode, auth)
    return Promise.resolve(auth).then((verified) => checkOrigin(view, source, mode, verified))
  }

  // RFC 9449: the proof is checked once the token is known good, before the origin check.
  function runDpop(check: DpopCheck, view: RequestView, found: ResolvedToken, mode: CheckOrigin, auth: AuthContext | Promise<AuthContext>): AuthContext | Promise<AuthContext> {
    const proven = isPromise<AuthContext>(auth) ? Promise.resolve(auth).then((verified) => check.check(view, found, verified)) : check.check(view, found, auth)
    if (!isPromise<AuthContext>(proven)) return checkOrigin(view, found.source, mode, proven)
    return Promise.resolve(proven).then((verified) => checkOrigin(view, found.source, mode, verified))
  }

  function runSync(view: RequestView, mode: CheckOrigin): AuthContext | undefined {
    const found = find(view)
    if (found === null) return undefined
    if (verifySync === undefined) throw new NotSynchronousError('authenticateSync cannot be used: the verifier has no verifySync; use authenticate()')
    const auth = verifySync.verifySync(found.token, found.source)
    if (dpop === undefined) return checkOrigin(view, found.source, mode, auth)
    const proven = dpop.check(view, found, auth)
    if (isPromise<AuthContext>(proven)) throw notSynchronous('the DPoP replay store', proven)
    return checkOrigin(view, found.source, mode, proven)
  }

  // A refusal as the client gets it: the DPoP challenge when DPoP is on, and the realm.
  function refusal(err: unknown, view: RequestView): unknown {
    return withRealm(dpop === undefined ? err : dpop.decorate(err, view))
  }

  // `eager` under the failure throttle: refused before anything is read when blocked; refusals counted.
  function throttled(gate: FailureThrottle, view: RequestView, mode: CheckOrigin): AuthContext | undefined | Promise<AuthContext | undefined> {
    let result: AuthContext | undefined | Promise<AuthContext | undefined>
    try {
      const waiting = gate.check(view)
      if (waiting !== undefined) {
        return waiting.then(() => countedAsync(gate, view, runCounted(gate, view, mode)), (err: unknown) => Promise.reject(refusal(err, view)))
      }
      result = run(view, mode)
    } catch (err) {
      if (!(isAuthError(err) && err.code === 'too_many_failures')) gate.record(view, err)
      return Promise.reject(refusal(err, view))
    }
    return isPromise<AuthContext | undefined>(result) ? countedAsync(gate, view, result) : result
  }

  function runCounted(gate: FailureThrottle, view: RequestView, mode: CheckOrigin): AuthContext | undefined | Promise<AuthContext | undefined> {
    try {
      return run(view, mode)
    } catch (err) {
      gate.record(view, err)
      throw refusal(err, view)
    }
  }

  function countedAsync<T>(gate: FailureThrottle, view: RequestView, result: T | Promise<T>): T | Promise<T> {
    if (!isPromise<T>(result)) return result
    return result.then(undefined, (err: unknown) => {
      gate.record(view, err)
      throw refusal(err, view)
    })
  }

  function eager(view: RequestView, call: AuthenticateOptions | undefined): AuthContext | undefined | Promise<AuthContext | undefined> {
    const mode = checkOriginOf(call)
    if (throttle !== undefined) return throttled(throttle, view, mode)
    try {
      const result = run(view, mode)
      if (!isPromise<AuthContext | undefined>(result)) return result
      return dpop === undefined ? result.catch(rejectWithRealm) : result.catch((err: unknown) => rejectWithRealm(dpop.decorate(err, view)))
    } catch (err) {
      return Promise.reject(withRealm(dpop === undefined ? err : dpop.decorate(err, view)))
    }
  }

  return Object.freeze({
    verifier: dpop === undefined ? verifier : dpopGuardedVerifier(verifier, dpop),
    resolve,
    optional,
    realm,
    authenticate(view: RequestView, call?: AuthenticateOptions): Promise<AuthContext | undefined> {
      const result = eager(view, call)
      return isPromise<AuthContext | undefined>(result) ? result : Promise.resolve(result)
    },
    authenticateEager: eager,
    authenticateSync(view: RequestView, call?: AuthenticateOptions): AuthContext | undefined {
      const mode = checkOriginOf(call)
      try {
        if (throttle === undefined) return runSync(view, mode)
        const waiting = throttle.check(view)
        if (waiting !== undefined) {
          waiting.catch(() => {})
          throw new NotSynchronousError('authenticateSync cannot be used: the throttle store answers with a Promise; use authenticate()')
        }
        try {
          return runSync(view, mode)
        } catch (err) {
          throttle.record(view, err)
          throw err
        }
      } catch (err) {
        throw withRealm(dpop === undefined ? err : dpop.decorate(err, view))
      }
    },
  })
}
