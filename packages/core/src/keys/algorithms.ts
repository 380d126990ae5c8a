import type { KeyObject } from 'node:crypto'

/** Every algorithm hivegate verifies, in a fixed order. */
export const ALGORITHMS: readonly Algorithm[] = Object.freeze([
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA',
] as const)

/** Algorithms an HMAC secret may verify. */
export const HMAC_ALGORITHMS: readonly Algorithm[] = Object.freeze(['HS256', 'HS384', 'HS512'] as const)

/** Algorithms some public key may verify (what a remote JWKS can serve). */
export const ASYMMETRIC_ALGORITHMS: readonly Algorithm[] = Object.freeze(ALGORITHMS.filter((a) => !a.startsWith('HS')))

const RSA_ALGORITHMS: readonly Algorithm[] = Object.freeze(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const)
const PSS_BY_HASH: Readonly<Record<string, Algorithm>> = { sha256: 'PS256', sha384: 'PS384', sha512: 'PS512' }
const EC_BY_CURVE: Readonly<Record<string, Algorithm>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }

/** Smallest RSA modulus accepted, bits (RFC 7518 §3.3). */
export const MIN_RSA_BITS = 2048
/** Smallest HMAC secret accepted, bytes. */
export const MIN_SECRET_BYTES = 32

const KNOWN = new Set<string>(ALGORITHMS)

/** True for the exact (case-sensitive) name of an algorithm hivegate verifies. */
export function isAlgorithm(value: unknown): value is Algorithm {
  return typeof value === 'string' && KNOWN.has(value)
}

/**
 * The algorithms a key may verify, by its type: a secret → HS*, RSA (≥ 2048 bits) → RS* and PS*,
 * RSA-PSS → PS* (its own hash only, when it names one), P-256/384/521 → ES256/384/512, Ed25519 → EdDSA.
 * Returns a reason string when the key can verify nothing.
 */
export function algorithmsForKey(key: KeyObject): readonly Algorithm[] | string {
  if (key.type === 'secret') {
    const size = key.symmetricKeySize ?? 0
    return size >= MIN_SECRET_BYTES ? HMAC_ALGORITHMS : `must be at least ${MIN_SECRET_BYTES} bytes`
  }
  const details = key.asymmetricKeyDetails ?? {}
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss': {
      if ((details.modulusLength ?? 0) < MIN_RSA_BITS) return `must be an RSA key of at least ${MIN_RSA_BITS} bits`
      if (key.asymmetricKeyType === 'rsa') return RSA_ALGORITHMS
      const pinned = details.hashAlgorithm === undefined ? undefined : PSS_BY_HASH[details.hashAlgorithm]
      if (details.hashAlgorithm !== undefined && pinned === undefined) return 'is an RSA-PSS key with an unsupported hash'
      return pinned === undefined ? ['PS256', 'PS384', 'PS512'] : [pinned]
    }
    case 'ec': {
      const alg = details.namedCurve === undefined ? undefined : EC_BY_CURVE[details.namedCurve]
      return alg === undefined ? 'must be an EC key on P-256, P-384 or P-521' : [alg]
    }
    case 'ed25519':
      return ['EdDSA']
    default:
      return `has an unsupported key type (${String(key.asymmetricKeyType)})`
  }
}

/** `bound` ∩ `allowed`, in `bound`'s order; the same array when nothing is removed. */
export function intersect(bound: readonly Algorithm[], allowed: ReadonlySet<Algorithm>): readonly Algorithm[] {
  const kept = bound.filter((a) => allowed.has(a))
  return kept.length === bound.length ? bound : kept
}

/** JWS algorithms hivegate verifies. `none` is not one of them, in any casing. */
export type Algorithm =
  | 'HS256' | 'HS384' | 'HS512'
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA'
