import { assertPositiveInteger } from '../options.js'
import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'

/**
 * Where the `jti`s of accepted DPoP proofs are kept while a proof with that `iat` could still be
 * accepted (RFC 9449 §11.1). Plug a shared one (e.g. `createRedisReplayStore` from
 * `@hivegate/access`) when several processes serve the same tokens.
 */
export interface DpopReplayStore {
  /**
   * Records `key` for `ttl` milliseconds, atomically: true when it was not there (first use),
   * false when it was (a replay). May answer with a Promise; a rejection refuses the request.
   */
  add(key: string, ttl: number): boolean | Promise<boolean>
}

/** Options of {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most proofs remembered at once. When full of unexpired entries, new proofs are refused. Default 100 000. */
  maxEntries?: number
  /** Time source; the authenticator passes its verifier's clock. */
  clock?: Clock
}

/** The in-memory replay store's defaults. */
export const MEMORY_REPLAY_STORE_DEFAULTS = Object.freeze({ maxEntries: 100_000 })

/** The in-memory {@link DpopReplayStore}: also tells how full it is. */
export interface MemoryReplayStore extends DpopReplayStore {
  add(key: string, ttl: number): boolean
  readonly size: number
}

/** Thrown by a full store: the authenticator answers `server_busy` rather than forget a proof. */
export class ReplayStoreFullError extends Error {
  override readonly name = 'ReplayStoreFullError'
}

/**
 * The default replay store: a Map of key → expiry, bounded by `maxEntries`. Forgetting a proof
 * early would let it be replayed, so a store full of live entries refuses new ones instead.
 *
 * @example
 * ```ts
 * const replayStore = createMemoryReplayStore({ maxEntries: 10_000 })
 * createAuthenticator({ issuer, keys, dpop: { mode: 'required', replayStore } })
 * ```
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): MemoryReplayStore {
  const maxEntries = options.maxEntries ?? MEMORY_REPLAY_STORE_DEFAULTS.maxEntries
  assertPositiveInteger('maxEntries', maxEntries)
  const clock = options.clock ?? systemClock
  const entries = new Map<string, number>()

  // Entries are added in time order but expire by their own ttl: drop expired ones from the front,
  // and sweep them all only when the store is full.
  function dropExpired(now: number, all: boolean): void {
    for (const [key, expires] of entries) {
      if (expires <= now) entries.delete(key)
      else if (!all) return
    }
  }

  return {
    add(key: string, ttl: number): boolean {
      const now = clock.now()
      dropExpired(now, false)
      const expires = entries.get(key)
      if (expires !== undefined && expires > now) return false
      if (entries.size >= maxEntries) {
        dropExpired(now, true)
        if (entries.size >= maxEntries) throw new ReplayStoreFullError('The DPoP replay store is full')
      }
      entries.delete(key)
      entries.set(key, now + ttl)
      return true
    },
    get size() {
      return entries.size
    },
  }
}
