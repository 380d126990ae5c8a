import type { Clock } from '../clock.js'
import { parseDuration } from '../duration.js'
import { assertExclusive, assertKnownKeys, assertPlainObject, assertPositiveInteger, optionTypeError } from '../options.js'
import type { RequestView } from '../request-view.js'
import type { ThrottleStore } from './store.js'

/** What {@link ThrottleOptions.onBlock} receives when a key crosses `maxFailures`. */
export interface ThrottleBlockEvent {
  /** The client key (by default its IP address); never a credential. */
  readonly key: string
  readonly failures: number
  /** Seconds the key is refused with 429 from now. */
  readonly retryAfter: number
}

/**
 * Failure throttling (off unless set): after `maxFailures` failed authentications of one client
 * key inside `window`, that key is answered 429 with `Retry-After` until the window ends, before
 * any token it sends is parsed.
 */
export interface ThrottleOptions {
  /** Failed authentications a key may have in one window. Default 20. */
  maxFailures?: number
  /** The window: seconds, or a string like `'15m'`. It starts at a key's first failure. Default `'1m'`. */
  window?: number | string
  /**
   * How many proxies in front of this server to trust in `X-Forwarded-For` (Express's `trust
   * proxy` hop count): `0`/`false` (default) keys on the socket's peer; `1` on the address your one
   * load balancer saw; `true` on the leftmost entry, which any client can write. Excludes `key`.
   */
  trustProxy?: boolean | number
  /** The client key of a request instead of its address; undefined leaves the request unthrottled. */
  key?: (view: RequestView) => string | undefined
  /** Keys the in-memory store holds; the least recently failed go first. Default 10 000. Excludes `store`. */
  maxKeys?: number
  /** A shared store instead of memory, e.g. `createRedisThrottleStore()` from `@hivegate/access`. */
  store?: ThrottleStore
  /** Called once each time a key becomes blocked. */
  onBlock?: (event: ThrottleBlockEvent) => void
  /** Called when the store fails; the request is then judged as if unthrottled (fail open). */
  onStoreError?: (err: unknown) => void
  /** Time source. Default the verifier's clock. */
  clock?: Clock
}

/** Defaults of {@link ThrottleOptions}. */
export const THROTTLE_DEFAULTS = Object.freeze({ maxFailures: 20, window: 60, trustProxy: 0, maxKeys: 10_000 })

/** Options after validation. */
export interface ResolvedThrottleOptions {
  readonly maxFailures: number
  readonly windowMs: number
  readonly trustProxy: number
  readonly key: ((view: RequestView) => string | undefined) | undefined
  readonly maxKeys: number
  readonly store: ThrottleStore | undefined
  readonly onBlock: ((event: ThrottleBlockEvent) => void) | undefined
  readonly onStoreError: ((err: unknown) => void) | undefined
  readonly clock: Clock | undefined
}

const KNOWN = ['maxFailures', 'window', 'trustProxy', 'key', 'maxKeys', 'store', 'onBlock', 'onStoreError', 'clock']

function trustedHops(value: unknown): number {
  if (value === undefined || value === false) return 0
  if (value === true) return Number.POSITIVE_INFINITY
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw optionTypeError('throttle.trustProxy', 'a boolean or a non-negative integer hop count', value)
  }
  return value
}

/** Validates `throttle` once, at construction; errors name the option. */
export function resolveThrottleOptions(options: ThrottleOptions): ResolvedThrottleOptions {
  const raw: unknown = options
  assertPlainObject('throttle', raw)
  assertKnownKeys('throttle', options, KNOWN)
  const named = { 'throttle.key': options.key, 'throttle.trustProxy': options.trustProxy, 'throttle.store': options.store, 'throttle.maxKeys': options.maxKeys }
  assertExclusive(named, ['throttle.key', 'throttle.trustProxy'])
  assertExclusive(named, ['throttle.store', 'throttle.maxKeys'])
  const maxFailures = options.maxFailures ?? THROTTLE_DEFAULTS.maxFailures
  assertPositiveInteger('throttle.maxFailures', maxFailures)
  const window = parseDuration(options.window ?? THROTTLE_DEFAULTS.window, 'throttle.window')
  if (window === 0) throw new RangeError('"throttle.window" must be more than 0 seconds')
  const maxKeys = options.maxKeys ?? THROTTLE_DEFAULTS.maxKeys
  assertPositiveInteger('throttle.maxKeys', maxKeys)
  const { key, store, onBlock, onStoreError, clock } = options
  for (const [name, value] of [['key', key], ['onBlock', onBlock], ['onStoreError', onStoreError]] as const) {
    if (value !== undefined && typeof value !== 'function') throw optionTypeError(`throttle.${name}`, 'a function', value)
  }
  if (store !== undefined && (typeof store !== 'object' || store === null || typeof store.blockedFor !== 'function' || typeof store.recordFailure !== 'function')) {
    throw optionTypeError('throttle.store', 'a ThrottleStore with blockedFor() and recordFailure()', store)
  }
  if (clock !== undefined && typeof (clock as Partial<Clock> | null)?.now !== 'function') throw optionTypeError('throttle.clock', 'a Clock', clock)
  return Object.freeze({ maxFailures, windowMs: window * 1000, trustProxy: trustedHops(options.trustProxy), key, maxKeys, store, onBlock, onStoreError, clock })
}
