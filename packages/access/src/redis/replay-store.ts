import type { DpopReplayStore } from '@hivegate/core'
import { assertPositiveInteger, assertString } from '@hivegate/core/internal'
import { openRedisConnection } from './connection.js'

/** Options of {@link createRedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /** Prefix of every key. Default `hivegate:dpop:`. */
  prefix?: string
  /** How long a proof check waits for the first connection, ms. Default 5000. */
  connectTimeout?: number
  /** Longest wait between reconnection attempts, ms. Default 2000. */
  maxReconnectDelay?: number
}

/** A DPoP replay store shared through Redis; `close()` ends its connection. */
export interface RedisReplayStore extends DpopReplayStore {
  add(key: string, ttl: number): Promise<boolean>
  /** True while the connection is up. */
  readonly connected: boolean
  close(): Promise<void>
}


const DEFAULTS = Object.freeze({ prefix: 'hivegate:dpop:', connectTimeout: 5000, maxReconnectDelay: 2000 })

/**
 * The DPoP proof `jti`s of every process behind one name, in Redis (node-redis). Each check is one
 * `SET key 1 NX PX ttl`: atomic, so two processes handed the same proof at once cannot both take
 * it for a first use, and Redis drops the entry when no proof with its `iat` is accepted any more.
 * A check while Redis is down fails (the request gets 503), never passes.
 *
 * @example
 * ```ts
 * const replayStore = createRedisReplayStore('redis://127.0.0.1:6379')
 * const app = express().use(hivegate({ issuer, keys, dpop: { mode: 'required', replayStore } }))
 * // on shutdown
 * await replayStore.close()
 * ```
 */
export function createRedisReplayStore(url: string, options: RedisReplayStoreOptions = {}): RedisReplayStore {
  assertString('url', url)
  const { prefix = DEFAULTS.prefix, connectTimeout = DEFAULTS.connectTimeout, maxReconnectDelay = DEFAULTS.maxReconnectDelay } = options
  assertString('prefix', prefix)
  assertPositiveInteger('connectTimeout', connectTimeout)
  assertPositiveInteger('maxReconnectDelay', maxReconnectDelay)
  const connection = openRedisConnection(url, 'DPoP replay store', connectTimeout, maxReconnectDelay)

  return {
    async add(key: string, ttl: number): Promise<boolean> {
      // One atomic command, never a GET then a SET: the reply says whether this call created the key.
      const reply = await (await connection.client()).sendCommand(['SET', prefix + key, '1', 'NX', 'PX', String(Math.max(1, Math.ceil(ttl)))])
      return reply === 'OK'
    },
    get connected() {
      return connection.connected
    },
    close: () => connection.close(),
  }
}
