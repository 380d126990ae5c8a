import { createSecretKey, KeyObject } from 'node:crypto'
import type { VerificationKey } from '../types.js'
import { MIN_SECRET_BYTES, HMAC_ALGORITHMS } from './algorithms.js'

// Passing a public key as an HMAC secret is the classic algorithm-confusion mistake.
const LOOKS_LIKE_KEY = /^\s*(-----BEGIN |\{\s*"kty")/

/**
 * Imports one HMAC secret (a UTF-8 string, bytes, or a secret `KeyObject`) into a `KeyObject`
 * bound to HS256/384/512. Throws a TypeError/RangeError naming `name` when it is unusable.
 */
export function importSecret(input: unknown, name: string, kid: string): VerificationKey {
  let key: KeyObject
  if (typeof input === 'string') {
    if (LOOKS_LIKE_KEY.test(input)) {
      throw new TypeError(`"${name}" looks like a PEM or JWK key, not an HMAC secret; configure public keys in "publicKeys"`)
    }
    key = createSecretKey(Buffer.from(input, 'utf8'))
  } else if (input instanceof Uint8Array) {
    key = createSecretKey(Buffer.from(input))
  } else if (input instanceof KeyObject) {
    if (input.type !== 'secret') throw new TypeError(`"${name}" must be a secret KeyObject, not a ${input.type} key`)
    key = input
  } else {
    throw new TypeError(`"${name}" must be a string, a Uint8Array or a secret KeyObject`)
  }
  if ((key.symmetricKeySize ?? 0) < MIN_SECRET_BYTES) throw new RangeError(`"${name}" must be at least ${MIN_SECRET_BYTES} bytes`)
  return Object.freeze({ kid, key, algorithms: HMAC_ALGORITHMS })
}

/** Imports every secret of a `secrets` record, keyed by `kid`. */
export function importSecrets(record: unknown, name: string): VerificationKey[] {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new TypeError(`"${name}" must be an object of secrets by kid`)
  }
  return Object.entries(record).map(([kid, input]) => importSecret(input, `${name}.${kid}`, kid))
}
