import { AuthError } from './errors.js'
import type { Claims } from './types.js'

/** Most realm/object patterns a token's `per` and `dpv` may hold together. */
export const MAX_PERMISSION_PATTERNS = 1000
/** Longest realm or object pattern, in characters. */
export const MAX_PATTERN_LENGTH = 256

/** What a token's `per` and `dpv` claims allow, compiled once per token. */
export interface CompiledPermissions {
  /** Does `per` grant every letter of `action` (C, R, U, D; `*` = all four) on `object` in `realm`? */
  can(realm: string, object: string, action: string): boolean
  /** Does `dpv` list `object` in `realm`? */
  providesData(realm: string, object: string): boolean
}

const CREATE = 1
const READ = 2
const UPDATE = 4
const DELETE = 8
const ALL_ACTIONS = CREATE | READ | UPDATE | DELETE

/** Bit mask of action letters, or -1 for a letter outside C, R, U, D and `*`. */
function actionMask(letters: string): number {
  let mask = 0
  for (let i = 0; i < letters.length; i++) {
    switch (letters.charCodeAt(i)) {
      case 0x43: mask |= CREATE; break // C
      case 0x52: mask |= READ; break // R
      case 0x55: mask |= UPDATE; break // U
      case 0x44: mask |= DELETE; break // D
      case 0x2a: mask |= ALL_ACTIONS; break // *
      default: return -1
    }
  }
  return mask
}

/**
 * A pattern with `*` wildcards (any run of characters, '/' included); every other character is
 * literal. Matched with indexOf over the literal segments, leftmost first: no regex, no backtracking.
 */
class Glob {
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
class PatternTable<T> {
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
function grantedActions(table: PatternTable<number>, key: string, wanted: number, granted: number): number {
  const exact = table.exact.get(key)
  if (exact !== undefined) granted |= exact
  for (const entry of table.wildcard) {
    if ((granted & wanted) === wanted) break
    if (entry.glob.test(key)) granted |= entry.value
  }
  return granted
}

function malformed(claim: 'per' | 'dpv', why: string): AuthError {
  return new AuthError('invalid_token', `The token's "${claim}" claim is malformed: ${why}`)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

class PatternBudget {
  #left = MAX_PERMISSION_PATTERNS

  check(claim: 'per' | 'dpv', pattern: unknown, what: string): string {
    if (typeof pattern !== 'string' || pattern.length === 0) throw malformed(claim, `${what} patterns must be non-empty strings`)
    if (pattern.length > MAX_PATTERN_LENGTH) throw malformed(claim, `${what} patterns are limited to ${MAX_PATTERN_LENGTH} characters`)
    if (--this.#left < 0) throw malformed(claim, `more than ${MAX_PERMISSION_PATTERNS} patterns`)
    return pattern
  }
}

function compilePer(per: unknown, budget: PatternBudget): PatternTable<PatternTable<number>> | undefined {
  if (per === undefined) return undefined
  if (!isPlainObject(per)) throw malformed('per', 'expected an object of realms')
  const realms = new PatternTable<PatternTable<number>>()
  for (const realm of Object.keys(per)) {
    budget.check('per', realm, 'realm')
    const objects = per[realm]
    if (!isPlainObject(objects)) throw malformed('per', 'each realm must map object patterns to action letters')
    const table = new PatternTable<number>()
    for (const object of Object.keys(objects)) {
      budget.check('per', object, 'object')
      const letters = objects[object]
      const mask = typeof letters === 'string' && letters.length <= 8 ? actionMask(letters) : -1
      if (mask < 0) throw malformed('per', 'actions must be a string of the letters C, R, U, D or *')
      table.add(object, mask)
    }
    realms.add(realm, table)
  }
  return realms
}

function compileDpv(dpv: unknown, budget: PatternBudget): PatternTable<PatternTable<true>> | undefined {
  if (dpv === undefined) return undefined
  if (!isPlainObject(dpv)) throw malformed('dpv', 'expected an object of realms')
  const realms = new PatternTable<PatternTable<true>>()
  for (const realm of Object.keys(dpv)) {
    budget.check('dpv', realm, 'realm')
    const objects = dpv[realm]
    if (!Array.isArray(objects)) throw malformed('dpv', 'each realm must map to an array of object patterns')
    if (objects.length > MAX_PERMISSION_PATTERNS) throw malformed('dpv', `more than ${MAX_PERMISSION_PATTERNS} patterns`)
    const table = new PatternTable<true>()
    for (const object of objects) table.add(budget.check('dpv', object, 'object'), true)
    realms.add(realm, table)
  }
  return realms
}

class Permissions implements CompiledPermissions {
  readonly #per: PatternTable<PatternTable<number>> | undefined
  readonly #dpv: PatternTable<PatternTable<true>> | undefined

  constructor(per: PatternTable<PatternTable<number>> | undefined, dpv: PatternTable<PatternTable<true>> | undefined) {
    this.#per = per
    this.#dpv = dpv
  }

  can(realm: string, object: string, action: string): boolean {
    if (this.#per === undefined || typeof realm !== 'string' || typeof object !== 'string') return false
    if (typeof action !== 'string' || action.length === 0 || action.length > 8) return false
    const wanted = actionMask(action)
    if (wanted <= 0) return false
    // Grants are additive: letters from every matching realm/object pattern count together.
    const realms = this.#per
    let granted = 0
    const exact = realms.exact.get(realm)
    if (exact !== undefined) granted = grantedActions(exact, object, wanted, granted)
    for (const entry of realms.wildcard) {
      if ((granted & wanted) === wanted) break
      if (entry.glob.test(realm)) granted = grantedActions(entry.value, object, wanted, granted)
    }
    return (granted & wanted) === wanted
  }

  providesData(realm: string, object: string): boolean {
    if (this.#dpv === undefined || typeof realm !== 'string' || typeof object !== 'string') return false
    const realms = this.#dpv
    const exact = realms.exact.get(realm)
    if (exact !== undefined && exact.find(object) !== undefined) return true
    for (const entry of realms.wildcard) {
      if (entry.glob.test(realm) && entry.value.find(object) !== undefined) return true
    }
    return false
  }
}

const NO_PERMISSIONS: CompiledPermissions = new Permissions(undefined, undefined)

/**
 * Compiles a token's `per` and `dpv` claims once, so that `can` and `providesData` are map
 * lookups plus a scan of the wildcard patterns. Throws `invalid_token` for a malformed claim.
 *
 * @example
 * ```ts
 * const p = compilePermissions({ per: { london: { 'deliveryRiders/*': 'R' } } })
 * p.can('london', 'deliveryRiders/bob', 'R') // true
 * p.can('london', 'deliveryRiders/bob', 'RU') // false: every letter is needed
 * ```
 */
export function compilePermissions(claims: Readonly<Claims>): CompiledPermissions {
  const { per, dpv } = claims
  if (per === undefined && dpv === undefined) return NO_PERMISSIONS
  const budget = new PatternBudget()
  return new Permissions(compilePer(per, budget), compileDpv(dpv, budget))
}
