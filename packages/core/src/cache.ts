import { assertPositiveInteger } from './options.js'
interface Entry<V> {
  /** The whole key: a lookup by suffix is a hit only when this equals the key asked for. */
  readonly key: string
  readonly value: V
  /** Epoch ms after which the entry is dead. */
  readonly until: number
  /** Value of the use counter when the entry last moved to the young end. */
  stamp: number
}

/**
 * Characters at the end of a key that index the map. Hashing a whole ~500-character token
 * dominated a hit; the last 12 characters of a signature carry at least 68 random bits, and a
 * slice shorter than 13 characters is a flat copy in V8, whose hash is cheaper than a sliced
 * string's (measured ~120 ns per lookup, against ~210 ns for 32 characters and ~1 µs for the whole
 * token, on fresh strings).
 */
export const KEY_SUFFIX_LENGTH = 12

function indexOf(key: string): string {
  return key.length > KEY_SUFFIX_LENGTH ? key.slice(-KEY_SUFFIX_LENGTH) : key
}

/**
 * Bounded LRU of verified tokens keyed by the token string (a `Map` in recency order), indexed by
 * the key's last {@link KEY_SUFFIX_LENGTH} characters. A hit needs the whole key to match, so two
 * keys sharing a suffix never see each other's value: looking one up while the other is held is a
 * miss that leaves the held entry alone; setting one replaces the other. An entry
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
    assertPositiveInteger('cache.max', max)
    this.#max = max
    this.#half = max >>> 1
  }

  /** The live value cached for `key` at epoch ms `now`, or undefined. */
  get(key: string, now: number): V | undefined {
    const index = indexOf(key)
    const entry = this.#entries.get(index)
    if (entry === undefined || entry.key !== key) return undefined
    if (now >= entry.until) {
      this.#entries.delete(index)
      return undefined
    }
    const uses = ++this.#uses
    if (uses - entry.stamp > this.#half) {
      this.#entries.delete(index)
      entry.stamp = uses
      this.#entries.set(index, entry)
    }
    return entry.value
  }

  /**
   * Caches `value` for `key` until epoch ms `until`, evicting the least recently used entry when
   * full. Callers set only verified tokens, so a forged token never reaches the map.
   */
  set(key: string, value: V, until: number): void {
    const entries = this.#entries
    const index = indexOf(key)
    if (!entries.delete(index) && entries.size >= this.#max) {
      const oldest = entries.keys().next()
      if (oldest.done !== true) entries.delete(oldest.value)
    }
    entries.set(index, { key, value, until, stamp: ++this.#uses })
  }

  /** Drops the entry of `key`; an entry of another key with the same suffix stays. */
  delete(key: string): boolean {
    const index = indexOf(key)
    return this.#entries.get(index)?.key === key && this.#entries.delete(index)
  }

  clear(): void {
    this.#entries.clear()
  }

  get size(): number {
    return this.#entries.size
  }
}
