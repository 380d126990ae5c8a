/** Failures of one key in its current window. */
export interface FailureCount {
  /** Failures counted in the window so far, this one included. */
  readonly failures: number
  /** Milliseconds until the window ends and the count starts again. */
  readonly resetIn: number
}

/**
 * Where failure counts live: in memory by default, or a shared store (e.g. `@hivegate/access`'s
 * Redis store) so every instance behind a load balancer counts together. Methods may return a
 * value or a Promise; the in-memory store answers synchronously, so the request path stays free
 * of Promises. `now` is the throttle's clock; a store with a clock of its own may ignore it.
 */
export interface ThrottleStore {
  /** Milliseconds `key` must still wait: 0 unless it has `maxFailures` or more in its window. */
  blockedFor(key: string, maxFailures: number, now: number): number | Promise<number>
  /** Counts one failure of `key` in a fixed window of `windowMs` that starts at its first failure. */
  recordFailure(key: string, windowMs: number, now: number): FailureCount | Promise<FailureCount>
}

interface Entry {
  failures: number
  /** Epoch ms the window ends. */
  until: number
}

/**
 * The default store: a bounded LRU of keys (a `Map` in recency order of failures). A key with no
 * failure has no entry, so an accepted request costs one `Map.get`; past `maxKeys` the key whose
 * last failure is oldest is dropped, so a flood of keys cannot grow memory.
 *
 * @example
 * ```ts
 * const store = new MemoryThrottleStore(10_000)
 * store.recordFailure('203.0.113.9', 60_000, Date.now())
 * ```
 */
export class MemoryThrottleStore implements ThrottleStore {
  readonly #entries = new Map<string, Entry>()
  readonly #maxKeys: number

  /** @param maxKeys most keys held; at least 1 */
  constructor(maxKeys: number) {
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new RangeError('"throttle.maxKeys" must be a positive integer')
    this.#maxKeys = maxKeys
  }

  blockedFor(key: string, maxFailures: number, now: number): number {
    const entry = this.#entries.get(key)
    if (entry === undefined) return 0
    if (now >= entry.until) {
      this.#entries.delete(key)
      return 0
    }
    return entry.failures >= maxFailures ? entry.until - now : 0
  }

  recordFailure(key: string, windowMs: number, now: number): FailureCount {
    const entries = this.#entries
    let entry = entries.get(key)
    if (entry === undefined || now >= entry.until) entry = { failures: 0, until: now + windowMs }
    else entries.delete(key)
    entry.failures++
    entries.set(key, entry)
    while (entries.size > this.#maxKeys) entries.delete(entries.keys().next().value as string)
    return { failures: entry.failures, resetIn: entry.until - now }
  }

  /** Whether `key` has an entry (live or not yet dropped); no clock needed. */
  has(key: string): boolean {
    return this.#entries.has(key)
  }

  /** Keys held now. */
  get size(): number {
    return this.#entries.size
  }
}
