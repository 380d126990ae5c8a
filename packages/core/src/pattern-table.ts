const NO_SEGMENTS: readonly string[] = Object.freeze([])

/**
 * A pattern with `*` wildcards (any run of characters, '/' included); every other character is
 * literal. Matched with indexOf over the literal segments, leftmost first: no regex, no backtracking.
 */
class Glob {
  readonly #head: string
  readonly #middle: readonly string[]
  readonly #tail: string
  readonly #minLength: number

  /** @param pattern contains at least one `*` */
  constructor(pattern: string) {
    const first = pattern.indexOf('*')
    const last = pattern.lastIndexOf('*')
    this.#head = pattern.slice(0, first)
    this.#tail = pattern.slice(last + 1)
    // Most patterns have one `*` ("rides/*"): no middle segments, no arrays.
    this.#middle = first === last ? NO_SEGMENTS : pattern.slice(first + 1, last).split('*').filter((s) => s.length > 0)
    let length = this.#head.length + this.#tail.length
    for (const segment of this.#middle) length += segment.length
    this.#minLength = length
  }

  test(value: string): boolean {
    if (value.length < this.#minLength) return false
    if (!value.startsWith(this.#head) || !value.endsWith(this.#tail)) return false
    let from = this.#head.length
    const end = value.length - this.#tail.length
    for (const segment of this.#middle) {
      const at = value.indexOf(segment, from)
      if (at < 0 || at + segment.length > end) return false
      from = at + segment.length
    }
    return true
  }
}

interface WildcardEntry<T> {
  readonly glob: Glob
  readonly value: T
}

const NO_WILDCARDS: ReadonlyArray<WildcardEntry<never>> = Object.freeze([])

/** Exact patterns a table scans in a list before it moves them to a Map. */
const LIST_MAX = 8

/**
 * Values keyed by pattern: exact patterns in a short list (a Map beyond {@link LIST_MAX}, since a
 * token usually names a handful and a Map costs more to build than a few comparisons), wildcard
 * ones in a list.
 */
export class PatternTable<T> {
  #keys: string[] | undefined
  #values: T[] | undefined
  #map: Map<string, T> | undefined
  wildcard: ReadonlyArray<WildcardEntry<T>> = NO_WILDCARDS

  add(pattern: string, value: T): void {
    if (pattern.includes('*')) {
      if (this.wildcard === NO_WILDCARDS) this.wildcard = [{ glob: new Glob(pattern), value }]
      else (this.wildcard as Array<WildcardEntry<T>>).push({ glob: new Glob(pattern), value })
    } else if (this.#map !== undefined) {
      this.#map.set(pattern, value)
    } else if (this.#keys === undefined) {
      this.#keys = [pattern]
      this.#values = [value]
    } else if (this.#keys.length < LIST_MAX) {
      this.#keys.push(pattern)
      this.#values!.push(value)
    } else {
      this.#map = new Map(this.#keys.map((key, i) => [key, this.#values![i]!]))
      this.#map.set(pattern, value)
      this.#keys = this.#values = undefined
    }
  }

  /** The value of the exact pattern equal to `key`. */
  exact(key: string): T | undefined {
    if (this.#map !== undefined) return this.#map.get(key)
    const keys = this.#keys
    if (keys === undefined) return undefined
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.#values![i]
    return undefined
  }

  /** The first value whose pattern matches `key` (exact patterns first). */
  find(key: string): T | undefined {
    const exact = this.exact(key)
    if (exact !== undefined) return exact
    for (const entry of this.wildcard) if (entry.glob.test(key)) return entry.value
    return undefined
  }
}

/** ORs into `granted` the letters of every pattern matching `key`, stopping once `wanted` is covered. */
export function grantedActions(table: PatternTable<number>, key: string, wanted: number, granted: number): number {
  const exact = table.exact(key)
  if (exact !== undefined) granted |= exact
  for (const entry of table.wildcard) {
    if ((granted & wanted) === wanted) break
    if (entry.glob.test(key)) granted |= entry.value
  }
  return granted
}
