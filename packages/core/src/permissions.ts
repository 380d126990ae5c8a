import { AuthError } from './errors.js'
import { grantedActions, PatternTable } from './pattern-table.js'
import type { Claims } from './claims.js'

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

function malformed(claim: 'per' | 'dpv', why: string): AuthError {
  return new AuthError('invalid_token', `The token's "${claim}" claim is malformed: ${why}`)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/** Checks one pattern and counts it against the budget `per` and `dpv` share; returns what is left. */
function checkPattern(claim: 'per' | 'dpv', pattern: unknown, what: string, left: number): number {
  if (typeof pattern !== 'string' || pattern.length === 0) throw malformed(claim, `${what} patterns must be non-empty strings`)
  if (pattern.length > MAX_PATTERN_LENGTH) throw malformed(claim, `${what} patterns are limited to ${MAX_PATTERN_LENGTH} characters`)
  if (left <= 0) throw malformed(claim, `more than ${MAX_PERMISSION_PATTERNS} patterns`)
  return left - 1
}

// Validated grants, flattened: `per` as (realm, object, mask) triples, `dpv` as (realm, object)
// pairs. Strings and numbers only, so a later change to the claims object cannot alter them.
type PerGrants = ReadonlyArray<string | number>
type DpvGrants = readonly string[]

function collectPer(per: unknown, left: number, into: Array<string | number>): number {
  if (!isPlainObject(per)) throw malformed('per', 'expected an object of realms')
  // for-in over own keys: unlike Object.keys, it allocates no array per object.
  for (const realm in per) {
    if (!Object.hasOwn(per, realm)) continue
    left = checkPattern('per', realm, 'realm', left)
    const objects = per[realm]
    if (!isPlainObject(objects)) throw malformed('per', 'each realm must map object patterns to action letters')
    for (const object in objects) {
      if (!Object.hasOwn(objects, object)) continue
      left = checkPattern('per', object, 'object', left)
      const letters = objects[object]
      const mask = typeof letters === 'string' && letters.length <= 8 ? actionMask(letters) : -1
      if (mask < 0) throw malformed('per', 'actions must be a string of the letters C, R, U, D or *')
      into.push(realm, object, mask)
    }
  }
  return left
}

function collectDpv(dpv: unknown, left: number, into: string[]): void {
  if (!isPlainObject(dpv)) throw malformed('dpv', 'expected an object of realms')
  for (const realm in dpv) {
    if (!Object.hasOwn(dpv, realm)) continue
    left = checkPattern('dpv', realm, 'realm', left)
    const objects = dpv[realm]
    if (!Array.isArray(objects)) throw malformed('dpv', 'each realm must map to an array of object patterns')
    if (objects.length > MAX_PERMISSION_PATTERNS) throw malformed('dpv', `more than ${MAX_PERMISSION_PATTERNS} patterns`)
    for (let i = 0; i < objects.length; i++) {
      const object: unknown = objects[i]
      left = checkPattern('dpv', object, 'object', left)
      into.push(realm, object as string)
    }
  }
}

// A realm's entries are consecutive (object keys are unique), so each realm gets one table.
function buildPer(flat: PerGrants): PatternTable<PatternTable<number>> {
  const realms = new PatternTable<PatternTable<number>>()
  let table = new PatternTable<number>()
  for (let i = 0; i < flat.length; i += 3) {
    if (i === 0 || flat[i] !== flat[i - 3]) realms.add(flat[i] as string, (table = new PatternTable<number>()))
    table.add(flat[i + 1] as string, flat[i + 2] as number)
  }
  return realms
}

function buildDpv(flat: DpvGrants): PatternTable<PatternTable<true>> {
  const realms = new PatternTable<PatternTable<true>>()
  let table = new PatternTable<true>()
  for (let i = 0; i < flat.length; i += 2) {
    if (i === 0 || flat[i] !== flat[i - 2]) realms.add(flat[i]!, (table = new PatternTable<true>()))
    table.add(flat[i + 1]!, true)
  }
  return realms
}

/**
 * Validated when constructed; the lookup tables are built on the first `can`/`providesData`,
 * since many requests never ask (building them measured ~4x the cost of validating).
 */
class Permissions implements CompiledPermissions {
  #perGrants: PerGrants | undefined
  #dpvGrants: DpvGrants | undefined
  #built = false
  #per: PatternTable<PatternTable<number>> | undefined
  #dpv: PatternTable<PatternTable<true>> | undefined

  constructor(per: PerGrants | undefined, dpv: DpvGrants | undefined) {
    this.#perGrants = per
    this.#dpvGrants = dpv
  }

  #build(): void {
    if (this.#perGrants !== undefined) this.#per = buildPer(this.#perGrants)
    if (this.#dpvGrants !== undefined) this.#dpv = buildDpv(this.#dpvGrants)
    this.#perGrants = this.#dpvGrants = undefined
    this.#built = true
  }

  can(realm: string, object: string, action: string): boolean {
    if (!this.#built) this.#build()
    if (this.#per === undefined || typeof realm !== 'string' || typeof object !== 'string') return false
    if (typeof action !== 'string' || action.length === 0 || action.length > 8) return false
    const wanted = actionMask(action)
    if (wanted <= 0) return false
    // Grants are additive: letters from every matching realm/object pattern count together.
    const realms = this.#per
    let granted = 0
    const exact = realms.exact(realm)
    if (exact !== undefined) granted = grantedActions(exact, object, wanted, granted)
    for (const entry of realms.wildcard) {
      if ((granted & wanted) === wanted) break
      if (entry.glob.test(realm)) granted = grantedActions(entry.value, object, wanted, granted)
    }
    return (granted & wanted) === wanted
  }

  providesData(realm: string, object: string): boolean {
    if (!this.#built) this.#build()
    if (this.#dpv === undefined || typeof realm !== 'string' || typeof object !== 'string') return false
    const realms = this.#dpv
    const exact = realms.exact(realm)
    if (exact !== undefined && exact.find(object) !== undefined) return true
    for (const entry of realms.wildcard) {
      if (entry.glob.test(realm) && entry.value.find(object) !== undefined) return true
    }
    return false
  }
}

const NO_PERMISSIONS: CompiledPermissions = new Permissions(undefined, undefined)

/**
 * Validates a token's `per` and `dpv` claims in one pass, throwing `invalid_token` for a malformed
 * one (here, never later), and returns their matcher: `can` and `providesData` are map lookups
 * plus a scan of the wildcard patterns, over tables built on first use.
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
  let left = MAX_PERMISSION_PATTERNS
  let perGrants: Array<string | number> | undefined
  let dpvGrants: string[] | undefined
  if (per !== undefined) left = collectPer(per, left, (perGrants = []))
  if (dpv !== undefined) collectDpv(dpv, left, (dpvGrants = []))
  return new Permissions(perGrants, dpvGrants)
}

/** `per`: realm pattern → object pattern → action letters (C, R, U, D). */
export type PermissionsClaim = Record<string, Record<string, string>>

/** `dpv`: realm pattern → object patterns this connection provides data for. */
export type DataProviderClaim = Record<string, string[]>
