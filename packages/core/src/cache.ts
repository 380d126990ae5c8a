interface Entry<V> {
  readonly value: V
  /** Epoch ms after which the entry is dead. */
  readonly until: number
  /** Value of the use counter when the entry last moved to the young end. */
  stamp: number
}

/**
 * Bounded LRU of verified tokens keyed by the token string (a `Map` in recency order). An entry
 * dies at its `until` whatever its use. A hit moves the entry to the young end only once it has
 * aged past half the capacity, so the hot path of a repeated token is a single `Map.get`; entries
 * used at least once per half-capacity of insertions are never evicted.
 *
 * @example
 * ```ts
 * const cache = new TokenCache<string>(2)
 * cache.set('a', 'A', Date.now() + 1000)
 * cache.get('a', Date.now()) // 'A'
 * ```
 */
export class TokenCache<V> {
  readonly #entries = new Map<string, Entry<V>>()
  readonly #max: number
  readonly #half: number
  #uses = 0

  /** @param max most entries held; at least 1 */
  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('"cache.max" must be a positive integer')
    this.#max = max
    this.#half = max >>> 1
  }

  /** The live value cached for `key` at epoch ms `now`, or undefined. */
  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (now >= entry.until) {
      this.#entries.delete(key)
      return undefined
    }
    const uses = ++this.#uses
    if (uses - entry.stamp > this.#half) {
      this.#entries.delete(key)
      entry.stamp = uses
      this.#entries.set(key, entry)
    }
    return entry.value
  }

  /** Caches `value` for `key` until epoch ms `until`, evicting the least recently used entry when full. */
  set(key: string, value: V, until: number): void {
    const entries = this.#entries
    if (!entries.delete(key) && entries.size >= this.#max) {
      const oldest = entries.keys().next()
      if (oldest.done !== true) entries.delete(oldest.value)
    }
    entries.set(key, { value, until, stamp: ++this.#uses })
  }

  delete(key: string): boolean {
    return this.#entries.delete(key)
  }

  clear(): void {
    this.#entries.clear()
  }

  get size(): number {
    return this.#entries.size
  }
}
