import { systemClock, type Clock } from './clock.js'
import type { RevocationList } from './types.js'

/** Options of {@link createRevocationList}. */
export interface RevocationListOptions {
  /** Time source that decides when an entry's `until` has passed. Default the system clock. */
  clock?: Clock
  /** Most `jti`s held at once. Default 100,000. A full list refuses new entries rather than forget one. */
  max?: number
}

const DEFAULTS = Object.freeze({ max: 100_000 })
/** Longest `jti` accepted, characters. */
export const MAX_JTI_LENGTH = 1024

/**
 * An in-memory revocation list by `jti`. Entries revoked with an `until` (epoch ms, e.g. the
 * token's `exp`) are dropped once it has passed; entries without one stay until restored.
 *
 * @example
 * ```ts
 * const revocations = createRevocationList()
 * const verifier = createVerifier({ issuer, keys, revocations })
 * revocations.revoke('static-token-7')            // refused from now on, cached or not
 * ```
 */
export function createRevocationList(options: RevocationListOptions = {}): RevocationList {
  if (typeof options !== 'object' || options === null) throw new TypeError('revocation list options must be an object')
  const clock = options.clock ?? systemClock
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') throw new TypeError('"clock" must be a Clock')
  const max = options.max ?? DEFAULTS.max
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('"max" must be a positive integer')

  const until = new Map<string, number>()
  const listeners = new Set<(jti: string) => void>()

  function dropExpired(now: number): void {
    for (const [jti, end] of until) if (end <= now) until.delete(jti)
  }

  return {
    revoke(jti: string, end?: number): void {
      if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
        throw new TypeError(`"jti" must be a non-empty string of at most ${MAX_JTI_LENGTH} characters`)
      }
      if (end !== undefined && (typeof end !== 'number' || Number.isNaN(end))) throw new TypeError('"until" must be epoch milliseconds')
      const now = clock.now()
      const last = end ?? Infinity
      if (last <= now) return
      const previous = until.get(jti)
      if (previous !== undefined && previous > now) {
        if (last > previous) until.set(jti, last)
        return
      }
      if (previous === undefined && until.size >= max) {
        dropExpired(now)
        if (until.size >= max) throw new RangeError(`the revocation list is full ("max" is ${max})`)
      }
      until.set(jti, last)
      let failure: unknown
      for (const listener of [...listeners]) {
        try {
          listener(jti)
        } catch (err) {
          failure ??= err
        }
      }
      if (failure !== undefined) throw failure
    },
    restore(jti: string): void {
      until.delete(jti)
    },
    has(jti: string): boolean {
      const end = until.get(jti)
      if (end === undefined) return false
      if (end === Infinity || end > clock.now()) return true
      until.delete(jti)
      return false
    },
    get size(): number {
      return until.size
    },
    onRevoke(listener: (jti: string) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('"listener" must be a function')
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}
