import { createHash, createPublicKey, type KeyObject } from 'node:crypto'
import { AuthError } from '../errors.js'
import { isBase64url } from '../base64url.js'
import type { AlgorithmSpec } from '../signature.js'
import { algorithmsForKey } from '../keys/algorithms.js'

/** The public key of a proof and its RFC 7638 thumbprint (what `cnf.jkt` names). */
export interface ProofKey {
  readonly key: KeyObject
  readonly thumbprint: string
}

// Members that only a private or symmetric JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4.1).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

// RFC 7638 §3.2: the required members of each key type, in lexicographic order.
const REQUIRED: Readonly<Record<string, readonly string[]>> = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] }

const CURVE_OF_ALG: Readonly<Record<string, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521', EdDSA: 'Ed25519' }

function ktyOf(spec: AlgorithmSpec): string | undefined {
  switch (spec.family) {
    case 'rsa':
    case 'pss':
      return 'RSA'
    case 'ecdsa':
      return 'EC'
    case 'eddsa':
      return 'OKP'
    default:
      return undefined
  }
}

function refuse(description: string): never {
  throw new AuthError('invalid_dpop_proof', description)
}

// Imported keys by their thumbprint input: a client signs many proofs with one key.
const KEYS_MAX = 256
const keys = new Map<string, ProofKey>()

/**
 * The proof's `jwk` header as a public key for `spec`'s algorithm (RFC 9449 §4.3 checks 5–6):
 * a public JWK of the algorithm's key type and curve, no private member, RSA of at least 2048
 * bits. Its thumbprint is RFC 7638 over the required members (jose's `calculateJwkThumbprint`).
 */
export function proofKeyOf(jwk: unknown, spec: AlgorithmSpec): ProofKey {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) refuse('The DPoP proof header has no "jwk" object')
  const members = jwk as Record<string, unknown>
  for (const name of PRIVATE_MEMBERS) if (Object.hasOwn(members, name)) refuse('The DPoP proof "jwk" must be a public key')
  const kty = members.kty
  if (typeof kty !== 'string' || kty !== ktyOf(spec)) refuse('The DPoP proof "jwk" does not fit its algorithm')
  const crv = CURVE_OF_ALG[spec.alg]
  if (crv !== undefined && members.crv !== crv) refuse('The DPoP proof "jwk" does not fit its algorithm')
  const required = REQUIRED[kty]!
  const picked: Record<string, string> = {}
  for (const name of required) {
    const value = members[name]
    if (typeof value !== 'string' || (name !== 'kty' && name !== 'crv' && !isBase64url(value, 0, value.length)) || value.length === 0) {
      refuse('The DPoP proof "jwk" is malformed')
    }
    picked[name] = value
  }
  const input = JSON.stringify(picked)
  const known = keys.get(input)
  if (known !== undefined) return known
  let key: KeyObject
  try {
    key = createPublicKey({ key: picked, format: 'jwk' })
  } catch {
    refuse('The DPoP proof "jwk" is not a usable key')
  }
  const algorithms = algorithmsForKey(key)
  if (typeof algorithms === 'string' || !algorithms.includes(spec.alg)) refuse('The DPoP proof "jwk" does not fit its algorithm')
  const found: ProofKey = Object.freeze({ key, thumbprint: jwkThumbprint(input) })
  if (keys.size >= KEYS_MAX) keys.clear()
  keys.set(input, found)
  return found
}

/** RFC 7638 SHA-256 thumbprint of the canonical JSON of a JWK's required members. */
function jwkThumbprint(canonical: string): string {
  return createHash('sha256').update(canonical).digest('base64url')
}
