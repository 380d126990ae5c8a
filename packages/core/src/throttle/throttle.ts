import { debuglog } from 'node:util'
import type { Clock } from '../clock.js'
import { AuthError, isAuthError, type AuthErrorCode } from '../errors.js'
import type { RequestView } from '../request-view.js'
import { clientAddress } from './client-key.js'
import { resolveThrottleOptions, type ThrottleOptions } from './options.js'
import { MemoryThrottleStore, type FailureCount } from './store.js'

const debug = debuglog('hivegate:throttle')

/**
 * The refusals that count as a failed authentication: a credential was sent and was wrong. A
 * request without one, a cross-origin cookie or unreachable keys say nothing of a guesser.
 */
export const COUNTED_FAILURES: ReadonlySet<AuthErrorCode> = new Set<AuthErrorCode>(['invalid_request', 'invalid_token', 'token_expired', 'token_revoked'])

function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** Runs one authentication attempt under the throttle. */
export interface FailureThrottle {
  /**
   * Refuses `view` with `too_many_failures` (429, `Retry-After`) when its key is blocked, else
   * runs `attempt(view, arg)` and counts its refusal if it is a failed authentication. Returns what
   * `attempt` returns (a Promise only when it or the store does); a refusal is thrown or rejected.
   */
  run<A, T>(view: RequestView, arg: A, attempt: (view: RequestView, arg: A) => T | Promise<T>): T | Promise<T>
}

/**
 * Builds the failure throttle an authenticator runs in front of everything else. `clock` is the
 * verifier's, used unless the options name one.
 *
 * @example
 * ```ts
 * const throttle = createFailureThrottle({ maxFailures: 10, window: '5m', trustProxy: 1 }, verifier.clock)
 * ```
 */
export function createFailureThrottle(options: ThrottleOptions, verifierClock: Clock): FailureThrottle {
  const settings = resolveThrottleOptions(options)
  const { maxFailures, windowMs, trustProxy, onBlock } = settings
  const clock = settings.clock ?? verifierClock
  const store = settings.store ?? new MemoryThrottleStore(settings.maxKeys)
  const keyOf = settings.key ?? ((view: RequestView) => clientAddress(view, trustProxy))
  const storeFailed = (err: unknown): void => {
    if (settings.onStoreError !== undefined) settings.onStoreError(err)
    else debug('throttle store failed, request judged unthrottled: %s', err instanceof Error ? err.message : String(err))
  }

  function counted(key: string, count: FailureCount): void {
    // Exactly at the limit: once per block, on whichever instance counted the crossing failure.
    if (count.failures === maxFailures && onBlock !== undefined) {
      onBlock({ key, failures: count.failures, retryAfter: Math.max(1, Math.ceil(count.resetIn / 1000)) })
    }
  }

  function record(key: string, err: unknown): void {
    if (!isAuthError(err) || !COUNTED_FAILURES.has(err.code)) return
    try {
      const count = store.recordFailure(key, windowMs, clock.now())
      if (isPromise<FailureCount>(count)) count.then((c) => counted(key, c), storeFailed)
      else counted(key, count)
    } catch (storeErr) {
      storeFailed(storeErr)
    }
  }

  function attemptCounted<A, T>(key: string, view: RequestView, arg: A, attempt: (view: RequestView, arg: A) => T | Promise<T>): T | Promise<T> {
    let result: T | Promise<T>
    try {
      result = attempt(view, arg)
    } catch (err) {
      record(key, err)
      throw err
    }
    if (!isPromise<T>(result)) return result
    return result.then(undefined, (err: unknown) => {
      record(key, err)
      throw err
    })
  }

  function refuse(waitMs: number): never {
    throw new AuthError('too_many_failures', undefined, { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) })
  }

  return Object.freeze({
    run<A, T>(view: RequestView, arg: A, attempt: (view: RequestView, arg: A) => T | Promise<T>): T | Promise<T> {
      const key = keyOf(view)
      if (key === undefined) return attempt(view, arg)
      let wait: number | Promise<number>
      try {
        wait = store.blockedFor(key, maxFailures, clock.now())
      } catch (err) {
        storeFailed(err)
        wait = 0
      }
      if (!isPromise<number>(wait)) {
        if (wait > 0) refuse(wait)
        return attemptCounted(key, view, arg, attempt)
      }
      return wait.then(
        (ms) => {
          if (ms > 0) refuse(ms)
          return attemptCounted(key, view, arg, attempt)
        },
        (err: unknown) => {
          storeFailed(err)
          return attemptCounted(key, view, arg, attempt)
        },
      )
    },
  })
}
