import { debuglog } from 'node:util'
import type { Clock } from '../clock.js'
import { AuthError, isAuthError, type AuthErrorCode } from '../errors.js'
import type { RequestView } from '../request-view.js'
import { isPromise } from '../verifier-hooks.js'
import { clientAddress } from './client-key.js'
import { resolveThrottleOptions, type ThrottleOptions } from './options.js'
import { MemoryThrottleStore, type FailureCount } from './store.js'

const debug = debuglog('hivegate:throttle')

/**
 * The refusals that count as a failed authentication: a credential was sent and was wrong. A
 * request without one, a cross-origin cookie or unreachable keys say nothing of a guesser.
 */
export const COUNTED_FAILURES: ReadonlySet<AuthErrorCode> = new Set<AuthErrorCode>(['invalid_request', 'invalid_token', 'token_expired', 'token_revoked'])


/** The failure throttle of one authenticator. */
export interface FailureThrottle {
  /**
   * Throws `too_many_failures` (429, `Retry-After`) when the key of `view` is blocked. With the
   * in-memory store it answers synchronously (undefined); a shared store makes it a Promise that
   * rejects the same way. A store that fails lets the request through (fail open).
   */
  check(view: RequestView): void | Promise<void>
  /** Counts `err` against the key of `view` when it is a failed authentication (COUNTED_FAILURES). */
  record(view: RequestView, err: unknown): void
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

  // The key is computed only here and before a lookup: an accepted request never needs it otherwise.
  function record(view: RequestView, err: unknown): void {
    if (!isAuthError(err) || !COUNTED_FAILURES.has(err.code)) return
    const key = keyOf(view)
    if (key === undefined) return
    try {
      const count = store.recordFailure(key, windowMs, clock.now())
      if (isPromise<FailureCount>(count)) count.then((c) => counted(key, c), storeFailed)
      else counted(key, count)
    } catch (storeErr) {
      storeFailed(storeErr)
    }
  }

  function refuse(waitMs: number): never {
    throw new AuthError('too_many_failures', undefined, { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) })
  }

  // The in-memory store's hot path: no failure held → nothing to look up; a key without failures → one Map.has, no clock.
  function checkMemory(memory: MemoryThrottleStore, view: RequestView): void {
    if (memory.size === 0) return
    const key = keyOf(view)
    if (key === undefined || !memory.has(key)) return
    const wait = memory.blockedFor(key, maxFailures, clock.now())
    if (wait > 0) refuse(wait)
  }

  function checkShared(view: RequestView): void | Promise<void> {
    const key = keyOf(view)
    if (key === undefined) return
    let wait: number | Promise<number>
    try {
      wait = store.blockedFor(key, maxFailures, clock.now())
    } catch (err) {
      return storeFailed(err)
    }
    if (!isPromise<number>(wait)) return wait > 0 ? refuse(wait) : undefined
    return wait.then((ms) => (ms > 0 ? refuse(ms) : undefined), storeFailed)
  }

  const memory = store instanceof MemoryThrottleStore ? store : undefined
  return Object.freeze({
    check: memory === undefined ? checkShared : (view: RequestView) => checkMemory(memory, view),
    record,
  })
}
