import type { JsonWebKey } from 'node:crypto'
import type { Algorithm } from './algorithms.js'
import type { VerificationKey } from './options.js'
import { importJwk, skipReason } from './public-key.js'

/** Keys taken from a JWKS document, and why the others were left out. */
export interface ParsedJwks {
  keys: VerificationKey[]
  skipped: string[]
}

const STRING_MEMBERS = ['kty', 'kid', 'alg', 'use', 'crv'] as const

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks the JSON shape of a JWKS (RFC 7517 §5) and returns its entries; throws TypeError on a bad shape. */
export function jwksEntries(doc: unknown, name: string): JsonWebKey[] {
  if (!isPlainObject(doc) || !Array.isArray(doc.keys)) throw new TypeError(`"${name}" must be a JWKS: an object with a "keys" array`)
  return doc.keys.map((entry: unknown, i: number) => {
    if (!isPlainObject(entry)) throw new TypeError(`"${name}.keys[${i}]" must be an object`)
    for (const member of STRING_MEMBERS) {
      const value = entry[member]
      if ((member === 'kty' || value !== undefined) && typeof value !== 'string') {
        throw new TypeError(`"${name}.keys[${i}].${member}" must be a string`)
      }
    }
    const ops = entry.key_ops
    if (ops !== undefined && (!Array.isArray(ops) || ops.some((op) => typeof op !== 'string'))) {
      throw new TypeError(`"${name}.keys[${i}].key_ops" must be an array of strings`)
    }
    return entry as JsonWebKey
  })
}

/** Number of entries in a JWKS's `keys` array, read before any is looked at; 0 for a document of another shape. */
export function jwksKeyCount(doc: unknown): number {
  return isPlainObject(doc) && Array.isArray(doc.keys) ? doc.keys.length : 0
}

/** Algorithms of `key` that no earlier key with the same kid already verifies (all of them without a kid). */
function unclaimedAlgorithms(key: VerificationKey, claimed: Map<string, Set<Algorithm>>): readonly Algorithm[] {
  if (key.kid === undefined) return key.algorithms
  let algs = claimed.get(key.kid)
  if (algs === undefined) claimed.set(key.kid, (algs = new Set()))
  const free = key.algorithms.filter((alg) => !algs.has(alg))
  for (const alg of free) algs.add(alg)
  return free
}

/**
 * Imports the signature keys of a JWKS. Symmetric (`oct`) keys and keys whose `use`/`key_ops`
 * exclude verification are skipped. A key that cannot be imported or bound throws when `strict`
 * (a local JWKS: a configuration error) and is skipped otherwise (a remote JWKS: one bad key must
 * not take the others down). At most one key verifies a given (kid, alg): a later key repeating
 * the pair throws when `strict`, else loses that algorithm (and is skipped when none is left), so
 * duplicate kids cannot multiply the signature checks a forged token costs. The caller bounds the
 * number of entries first ({@link jwksKeyCount}).
 */
export function parseJwks(doc: unknown, name: string, strict: boolean): ParsedJwks {
  const parsed: ParsedJwks = { keys: [], skipped: [] }
  const claimed = new Map<string, Set<Algorithm>>()
  jwksEntries(doc, name).forEach((jwk, i) => {
    const entryName = `${name}.keys[${i}]`
    const reason = skipReason(jwk)
    if (reason !== undefined) {
      parsed.skipped.push(`${entryName}: ${reason}`)
      return
    }
    let key: VerificationKey
    try {
      key = importJwk(jwk, entryName, jwk.kid as string | undefined)
    } catch (err) {
      if (strict) throw err
      parsed.skipped.push((err as Error).message)
      return
    }
    const free = unclaimedAlgorithms(key, claimed)
    if (free.length === key.algorithms.length) return void parsed.keys.push(key)
    const repeated = `${entryName} repeats a kid already given for ${key.algorithms.filter((a) => !free.includes(a)).join(', ')}`
    if (strict) throw new TypeError(`"${entryName}" repeats the kid of an earlier key for the same algorithm; give each key its own kid`)
    parsed.skipped.push(repeated)
    if (free.length > 0) parsed.keys.push(Object.freeze({ ...key, algorithms: Object.freeze([...free]) }))
  })
  return parsed
}
