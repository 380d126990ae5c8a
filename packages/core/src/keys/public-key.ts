import { createPublicKey, KeyObject, type JsonWebKey } from 'node:crypto'
import type { Algorithm } from './algorithms.js'
import type { VerificationKey } from './options.js'
import { algorithmsForKey, isAlgorithm } from './algorithms.js'

/** Why a JWK in a JWKS is left out without an error: not a signature key, or a symmetric one. */
export function skipReason(jwk: JsonWebKey): string | undefined {
  if (jwk.kty === 'oct') return 'symmetric keys are never taken from a JWKS'
  if (jwk.use !== undefined && jwk.use !== 'sig') return `"use" is "${String(jwk.use)}"`
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) return '"key_ops" does not include "verify"'
  return undefined
}

/** A KeyObject's public half; a private key given is reduced to it, a secret is refused. */
function toPublic(key: KeyObject, name: string): KeyObject {
  if (key.type === 'secret') throw new TypeError(`"${name}" is a secret key; configure HMAC secrets in "secrets"`)
  return key.type === 'private' ? createPublicKey(key) : key
}

/** Binds a public key to the algorithms its type allows, narrowed by a JWK `alg`. */
function bind(key: KeyObject, name: string, kid: string | undefined, alg: unknown): VerificationKey {
  const bound = algorithmsForKey(key)
  if (typeof bound === 'string') throw new RangeError(`"${name}" ${bound}`)
  let algorithms: readonly Algorithm[] = bound
  if (alg !== undefined) {
    if (!isAlgorithm(alg) || !bound.includes(alg)) {
      throw new RangeError(`"${name}" has "alg" ${JSON.stringify(String(alg)).slice(0, 40)}, which its key type cannot verify`)
    }
    algorithms = [alg]
  }
  return Object.freeze({ kid, key, algorithms: Object.freeze(algorithms) })
}

/** Imports a JWK (RSA, EC or OKP); `oct` keys are refused. The JWK's `alg` narrows the binding. */
export function importJwk(jwk: JsonWebKey, name: string, kid: string | undefined): VerificationKey {
  if (jwk.kty === 'oct') throw new TypeError(`"${name}" is a symmetric JWK; configure HMAC secrets in "secrets"`)
  let key: KeyObject
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' })
  } catch {
    throw new TypeError(`"${name}" is not a valid public JWK`)
  }
  return bind(key, name, kid, jwk.alg)
}

/**
 * Imports a public key given as PEM (SPKI, PKCS#1 or an X.509 certificate), a JWK, or a
 * `KeyObject`, and binds it to its algorithms. A private key is reduced to its public key.
 */
export function importPublicKey(input: unknown, name: string, kid: string): VerificationKey {
  if (typeof input === 'string') {
    if (!input.includes('-----BEGIN ')) throw new TypeError(`"${name}" must be a PEM public key or certificate`)
    let key: KeyObject
    try {
      key = createPublicKey(input)
    } catch {
      throw new TypeError(`"${name}" is not a valid PEM public key or certificate`)
    }
    return bind(key, name, kid, undefined)
  }
  if (input instanceof KeyObject) return bind(toPublic(input, name), name, kid, undefined)
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const jwk = input as JsonWebKey
    if (typeof jwk.kty !== 'string') throw new TypeError(`"${name}" must be a PEM string, a JWK or a KeyObject`)
    const skipped = skipReason(jwk)
    if (skipped !== undefined && jwk.kty !== 'oct') throw new TypeError(`"${name}" cannot verify signatures: ${skipped}`)
    return importJwk(jwk, name, kid)
  }
  throw new TypeError(`"${name}" must be a PEM string, a JWK or a KeyObject`)
}

/** Imports every key of a `publicKeys` record, keyed by `kid`. */
export function importPublicKeys(record: unknown, name: string): VerificationKey[] {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new TypeError(`"${name}" must be an object of public keys by kid`)
  }
  return Object.entries(record).map(([kid, input]) => importPublicKey(input, `${name}.${kid}`, kid))
}
