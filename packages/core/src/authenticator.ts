import type { AuthContext } from './auth-context.js'
import type { AuthenticateOptions } from './authenticator-options.js'
import type { RequestView } from './request-view.js'
import type { Resolver } from './resolver/source.js'
import type { SyncVerifier, Verifier } from './verifier.js'
import { resolveDpopOptions } from './dpop/options.js'
import { createDpopCheck } from './dpop/check.js'
import { dpopGuardedVerifier } from './dpop/verifier.js'
import { AuthError, isAuthError } from './errors.js'
import { isOriginAllowed } from './origin.js'
import { checkedResolver, createUncheckedResolver, type MaybeUncheckedToken } from './resolver/index.js'
import { credentialNames } from './resolver/options.js'
import type { AuthenticatorOptions } from './authenticator-options.js'
import type { ResolvedToken } from './resolver/source.js'
import { buildVerifier, checkOriginOf, resolveAuthenticatorOptions, resolverOptions, type CheckOrigin } from './authenticator-options.js'
import { createFailureThrottle, type FailureThrottle } from './throttle/index.js'
import { isPromise, notSynchronous, NotSynchronousError } from './verifier-hooks.js'

function ignore(): void {}

/** GET, HEAD and OPTIONS change nothing (RFC 9110 §9.2.1), so a forged one gains nothing. */
function isSafeMethod(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS'
}

/**
 * Builds the pipeline every adapter runs, so none of them writes it: resolve the token → verify it
 * → (DPoP on) check its proof → for a cookie-authenticated unsafe request, check its origin
 * (CSRF). One runner goes through these stages in order; `authenticate`, `authenticateEager` and
 * `authenticateSync` are its Promise, eager and synchronous forms. Options are validated here,
 * once. Rejections are AuthErrors carrying the configured `realm`.
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
  const { optional, realm, allowedOrigins } = resolveAuthenticatorOptions(options)
  const verifier = buildVerifier(options)
  const throttle: FailureThrottle | undefined = options.throttle === undefined || options.throttle === false ? undefined : createFailureThrottle(options.throttle, verifier.clock)
  const dpopSettings = resolveDpopOptions(options.dpop, verifier.clock)
  const dpop = dpopSettings === undefined ? undefined : createDpopCheck(dpopSettings, verifier.clock)
  const findUnchecked = createUncheckedResolver(resolverOptions(options, dpop))
  const resolve = checkedResolver(findUnchecked)

  // A verifier with the fast path takes the source's character check along: its cache may prove the token without it.
  const fast = typeof verifier.run === 'function' ? verifier : undefined
  const find: (view: RequestView) => MaybeUncheckedToken | ResolvedToken | null = fast === undefined ? resolve : findUnchecked
  const verifySync = typeof (verifier as Partial<SyncVerifier>).verifySync === 'function' ? (verifier as SyncVerifier) : undefined

  function withRealm(err: unknown): unknown {
    if (realm !== undefined && isAuthError(err) && err.realm === undefined) err.realm = realm
    return err
  }

  function refuse(err: unknown, view: RequestView): unknown {
    return withRealm(dpop === undefined ? err : dpop.decorate(err, view))
  }

  // The verify stage: the verifier's own fast path when it has one, else its Promise or sync form.
  function verifyFound(found: MaybeUncheckedToken | ResolvedToken, sync: boolean): AuthContext | Promise<AuthContext> {
    const { token, source } = found
    if (fast !== undefined) return fast.run!(token, source, (found as MaybeUncheckedToken).check, sync)
    if (!sync) return verifier.verify(token, source)
    if (verifySync === undefined) throw new NotSynchronousError('authenticateSync cannot be used: the verifier has no verifySync; use authenticate()')
    return verifySync.verifySync(token, source)
  }

  // Only a cookie rides along on a cross-site request; a header or a message cannot be forged.
  function checkOrigin(view: RequestView, source: string, mode: CheckOrigin, auth: AuthContext): AuthContext {
    if (source === 'cookie' && (mode === 'always' || !isSafeMethod(view.method)) && !isOriginAllowed(view, allowedOrigins)) {
      throw new AuthError('origin_not_allowed')
    }
    return auth
  }

  // RFC 9449: the proof is checked once the token is known good, before the origin check.
  function prove(view: RequestView, found: MaybeUncheckedToken | ResolvedToken, mode: CheckOrigin, sync: boolean, auth: AuthContext): AuthContext | Promise<AuthContext> {
    const proven = dpop!.check(view, found, auth)
    if (!isPromise<AuthContext>(proven)) return checkOrigin(view, found.source, mode, proven)
    if (sync) throw notSynchronous('the DPoP replay store', proven)
    return Promise.resolve(proven).then((verified) => checkOrigin(view, found.source, mode, verified))
  }

  /**
   * The one runner, stage after stage: (throttle when on) → resolve → verify → DPoP (when on) →
   * origin. The result itself when no stage waited, else a Promise; a refusal known at once is
   * thrown. With `sync`, a stage that would wait throws NotSynchronousError instead.
   */
  function run(view: RequestView, mode: CheckOrigin, sync: boolean): AuthContext | undefined | Promise<AuthContext | undefined> {
    return throttle === undefined ? runSteps(view, mode, sync) : runThrottled(throttle, view, mode, sync)
  }

  // Refused before anything is read while the client is blocked; every refusal after that is counted.
  function runThrottled(gate: FailureThrottle, view: RequestView, mode: CheckOrigin, sync: boolean): AuthContext | undefined | Promise<AuthContext | undefined> {
    const waiting = gate.check(view)
    if (waiting === undefined) return counted(gate, view, mode, sync)
    if (sync) {
      waiting.catch(ignore)
      throw new NotSynchronousError('authenticateSync cannot be used: the throttle store answers with a Promise; use authenticate()')
    }
    return waiting.then(() => counted(gate, view, mode, false))
  }

  function counted(gate: FailureThrottle, view: RequestView, mode: CheckOrigin, sync: boolean): AuthContext | undefined | Promise<AuthContext | undefined> {
    let result: AuthContext | undefined | Promise<AuthContext | undefined>
    try {
      result = runSteps(view, mode, sync)
    } catch (err) {
      gate.record(view, err)
      throw err
    }
    if (!isPromise<AuthContext | undefined>(result)) return result
    return result.then(undefined, (err: unknown) => {
      gate.record(view, err)
      throw err
    })
  }

  function runSteps(view: RequestView, mode: CheckOrigin, sync: boolean): AuthContext | undefined | Promise<AuthContext | undefined> {
    const found = find(view)
    if (found === null) {
      // `optional` lets a request without credentials through, with no AuthContext.
      if (optional) return undefined
      throw new AuthError('credentials_required')
    }
    const auth = verifyFound(found, sync)
    if (!isPromise<AuthContext>(auth)) return dpop === undefined ? checkOrigin(view, found.source, mode, auth) : prove(view, found, mode, sync, auth)
    return auth.then((verified) => (dpop === undefined ? checkOrigin(view, found.source, mode, verified) : prove(view, found, mode, false, verified)))
  }

  function eager(view: RequestView, call: AuthenticateOptions | undefined): AuthContext | undefined | Promise<AuthContext | undefined> {
    const mode = checkOriginOf(call)
    try {
      const result = run(view, mode, false)
      if (!isPromise<AuthContext | undefined>(result)) return result
      return result.catch((err: unknown) => {
        throw refuse(err, view)
      })
    } catch (err) {
      return Promise.reject(refuse(err, view))
    }
  }

  return Object.freeze({
    verifier: dpop === undefined ? verifier : dpopGuardedVerifier(verifier, dpop),
    resolve,
    optional,
    realm,
    ...credentialNames(options),
    authenticate(view: RequestView, call?: AuthenticateOptions): Promise<AuthContext | undefined> {
      const result = eager(view, call)
      return isPromise<AuthContext | undefined>(result) ? result : Promise.resolve(result)
    },
    authenticateEager: eager,
    authenticateSync(view: RequestView, call?: AuthenticateOptions): AuthContext | undefined {
      const mode = checkOriginOf(call)
      try {
        return run(view, mode, true) as AuthContext | undefined
      } catch (err) {
        throw refuse(err, view)
      }
    },
  })
}

/** The pipeline every adapter runs: resolve, verify, check origin. */
export interface Authenticator {
  readonly verifier: Verifier
  readonly resolve: Resolver
  readonly optional: boolean
  readonly realm: string | undefined
  /** The cookie and query parameter its resolver reads, for a wrapper that strips the credential. */
  readonly cookieName: string
  readonly queryParameter: string
  /**
   * Resolves to the caller's AuthContext, or to undefined when `optional` and no credentials were
   * carried. Rejects with an AuthError whose `realm` is set.
   */
  authenticate(view: RequestView, options?: AuthenticateOptions): Promise<AuthContext | undefined>
  /**
   * `authenticate` without a Promise on the common path: returns the AuthContext (or undefined)
   * itself when nothing had to wait (a verifier from `createVerifier` with local keys and
   * synchronous hooks), else a native Promise of it. A refusal always comes as a rejected Promise,
   * never as a throw, so `result instanceof Promise` tells the two apart (a bad `options` value
   * throws a TypeError, as in `authenticate`). Same checks, same errors.
   */
  authenticateEager(view: RequestView, options?: AuthenticateOptions): AuthContext | undefined | Promise<AuthContext | undefined>
  /**
   * Like `authenticate`, synchronously: returns the AuthContext (or undefined) or throws an
   * AuthError. Throws a `TypeError` with code `ERR_HIVEGATE_NOT_SYNC` when verification would
   * have to wait (see `SyncVerifier.verifySync`) or the verifier has no `verifySync`.
   */
  authenticateSync(view: RequestView, options?: AuthenticateOptions): AuthContext | undefined
}
