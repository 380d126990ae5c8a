import { openRedisConnection } from './connection.js'
import { createHash } from 'node:crypto'
import type { FailureCount, ThrottleStore } from '@hivegate/core'
import { assertPositiveInteger } from '@hivegate/core/internal'
import { BLOCKED_FOR_SCRIPT, RECORD_FAILURE_SCRIPT } from './throttle-scripts.js'

/** Options of {@link createRedisThrottleStore}. */
export interface RedisThrottleStoreOptions {
  /** Prefix of every counter key. Default `hivegate:throttle:`. */
  prefix?: string
  /** How long a call waits for the first connection, ms. Default 5000. */
  connectTimeout?: number
  /** Longest wait between reconnection attempts, ms. Default 2000. */
  maxReconnectDelay?: number
}

/** A failure-throttle store shared through Redis. */
export interface RedisThrottleStore extends ThrottleStore {
  /** True while the connection is up. */
  readonly connected: boolean
  close(): Promise<void>
}


/** Defaults of {@link RedisThrottleStoreOptions}. */
export const REDIS_THROTTLE_DEFAULTS = Object.freeze({ prefix: 'hivegate:throttle:', connectTimeout: 5000, maxReconnectDelay: 2000 })

// A key function may return anything: a long key is hashed so a Redis key stays short.
const MAX_PLAIN_KEY = 128

/**
 * A `throttle.store` that every instance behind a load balancer shares: one counter per client
 * key, counted with INCR and given its window with PEXPIRE in one Lua script, so concurrent
 * failures on several instances add up and a counter always expires. Windows run on Redis's
 * clock (the throttle's `now` is not used). Each throttled request asks Redis once whether its
 * key is blocked; while Redis is unreachable calls fail at once and the throttle fails open
 * (its `onStoreError` is told).
 *
 * @example
 * ```ts
 * const store = createRedisThrottleStore('redis://127.0.0.1:6379/0')
 * app.use(hivegate({ issuer, keys, throttle: { store, maxFailures: 10, window: '5m' } }))
 * ```
 */
export function createRedisThrottleStore(url: string, options: RedisThrottleStoreOptions = {}): RedisThrottleStore {
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) throw new TypeError('"url" must be a redis:// or rediss:// URL')
  const prefix = options.prefix ?? REDIS_THROTTLE_DEFAULTS.prefix
  if (typeof prefix !== 'string' || prefix.length > 100) throw new TypeError('"prefix" must be a string of at most 100 characters')
  const { connectTimeout = REDIS_THROTTLE_DEFAULTS.connectTimeout, maxReconnectDelay = REDIS_THROTTLE_DEFAULTS.maxReconnectDelay } = options
  assertPositiveInteger('connectTimeout', connectTimeout)
  assertPositiveInteger('maxReconnectDelay', maxReconnectDelay)
  const redis = openRedisConnection(url, 'throttle store', connectTimeout, maxReconnectDelay)

  const counterKey = (key: string): string =>
    key.length <= MAX_PLAIN_KEY ? `${prefix}${key}` : `${prefix}#${createHash('sha256').update(key).digest('base64url')}`

  return {
    get connected() {
      return redis.connected
    },
    async blockedFor(key, maxFailures) {
      const reply = await (await redis.client()).eval(BLOCKED_FOR_SCRIPT, { keys: [counterKey(key)], arguments: [String(maxFailures)] })
      return Number(reply)
    },
    async recordFailure(key, windowMs): Promise<FailureCount> {
      const reply = (await (await redis.client()).eval(RECORD_FAILURE_SCRIPT, { keys: [counterKey(key)], arguments: [String(windowMs)] })) as [number, number]
      return { failures: Number(reply[0]), resetIn: Number(reply[1]) }
    },
    close: () => redis.close(),
  }
}
