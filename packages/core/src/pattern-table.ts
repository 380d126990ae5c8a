/**
 * A pattern with `*` wildcards (any run of characters, '/' included); every other character is
 * literal. Matched with indexOf over the literal segments, leftmost first: no regex, no backtracking.
 */
export class Glob {
  readonly #head: string
  readonly #middle: readonly string[]
  readonly #tail: string
  readonly #minLength: number

  constructor(pattern: string) {
    const segments = pattern.split('*')
    this.#head = segments[0]!
    this.#tail = segments[segments.length - 1]!
    this.#middle = segments.slice(1, -1).filter((s) => s.length > 0)
    this.#minLength = pattern.length - (segments.length - 1)
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

/** Values keyed by pattern: exact patterns in a Map, wildcard ones in a list. */
export class PatternTable<T> {
  readonly exact = new Map<string, T>()
  readonly wildcard: Array<{ glob: Glob; value: T }> = []

  add(pattern: string, value: T): void {
    if (pattern.includes('*')) this.wildcard.push({ glob: new Glob(pattern), value })
    else this.exact.set(pattern, value)
  }

  /** The first value whose pattern matches `key` (exact patterns first). */
  find(key: string): T | undefined {
    const exact = this.exact.get(key)
    if (exact !== undefined) return exact
    for (const entry of this.wildcard) if (entry.glob.test(key)) return entry.value
    return undefined
  }
}

/** ORs into `granted` the letters of every pattern matching `key`, stopping once `wanted` is covered. */
export function grantedActions(table: PatternTable<number>, key: string, wanted: number, granted: number): number {
  const exact = table.exact.get(key)
  if (exact !== undefined) granted |= exact
  for (const entry of table.wildcard) {
    if ((granted & wanted) === wanted) break
    if (entry.glob.test(key)) granted |= entry.value
  }
  return granted
}
