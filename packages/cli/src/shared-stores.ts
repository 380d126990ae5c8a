import { createRedisReplayStore, createRedisThrottleStore } from '@hivegate/access'
import type { AuthenticatorOptions } from '@hivegate/core'

/** The gateway's auth options with their shared stores, and a way to close those stores. */
export interface SharedStores {
  readonly auth: AuthenticatorOptions
  close(): Promise<void>
}

/**
 * With `access.store` on Redis, the failure throttle counts and the spent DPoP proofs live in the
 * same Redis: a client's failures add up across gateways, and a proof spent on one is refused by
 * the others. Only what the config turns on gets a connection.
 */
export function withSharedStores(auth: AuthenticatorOptions, redisUrl: string): SharedStores {
  const closers: (() => Promise<void>)[] = []
  let out = auth
  if (auth.throttle !== undefined && auth.throttle !== false) {
    const store = createRedisThrottleStore(redisUrl)
    closers.push(() => store.close())
    out = { ...out, throttle: { ...auth.throttle, store } }
  }
  if (auth.dpop !== undefined && auth.dpop.mode !== undefined && auth.dpop.mode !== 'off') {
    const replayStore = createRedisReplayStore(redisUrl)
    closers.push(() => replayStore.close())
    // One object for the HTTP and WebSocket sides, so they share it (core keys its state by it).
    out = { ...out, dpop: { ...auth.dpop, replayStore } }
  }
  return {
    auth: out,
    async close() {
      await Promise.all(closers.map((close) => close().catch(() => {})))
    },
  }
}
