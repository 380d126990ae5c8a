import type { JsonWebKey } from 'node:crypto'
import type { VerificationKey } from '../types.js'
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

/**
 * Imports the signature keys of a JWKS. Symmetric (`oct`) keys and keys whose `use`/`key_ops`
 * exclude verification are skipped. A key that cannot be imported or bound throws when `strict`
 * (a local JWKS: a configuration error) and is skipped otherwise (a remote JWKS: one bad key must
 * not take the others down).
 */
export function parseJwks(doc: unknown, name: string, strict: boolean): ParsedJwks {
  const parsed: ParsedJwks = { keys: [], skipped: [] }
  jwksEntries(doc, name).forEach((jwk, i) => {
    const entryName = `${name}.keys[${i}]`
    const reason = skipReason(jwk)
    if (reason !== undefined) {
      parsed.skipped.push(`${entryName}: ${reason}`)
      return
    }
    try {
      parsed.keys.push(importJwk(jwk, entryName, jwk.kid as string | undefined))
    } catch (err) {
      if (strict) throw err
      parsed.skipped.push((err as Error).message)
    }
  })
  return parsed
}
