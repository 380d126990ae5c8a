import { constants, createHmac, timingSafeEqual, verify as cryptoVerify, type KeyObject } from 'node:crypto'
import type { Algorithm } from './keys/algorithms.js'

/** How one JWS algorithm is checked on node:crypto. */
export interface AlgorithmSpec {
  readonly alg: Algorithm
  readonly family: 'hmac' | 'rsa' | 'pss' | 'ecdsa' | 'eddsa'
  /** node:crypto digest name; null for Ed25519. */
  readonly hash: string | null
  /** Exact signature length in bytes, or 0 when it depends on the key (RSA). */
  readonly signatureBytes: number
  /** PSS salt length: the hash length (RFC 7518 §3.5). */
  readonly saltLength: number
}

function spec(alg: Algorithm, family: AlgorithmSpec['family'], hash: string | null, signatureBytes: number, saltLength = 0): AlgorithmSpec {
  return Object.freeze({ alg, family, hash, signatureBytes, saltLength })
}

/** node:crypto recipe of every algorithm hivegate verifies and signs. */
export const ALGORITHM_SPECS: Readonly<Record<Algorithm, AlgorithmSpec>> = Object.freeze({
  HS256: spec('HS256', 'hmac', 'sha256', 32),
  HS384: spec('HS384', 'hmac', 'sha384', 48),
  HS512: spec('HS512', 'hmac', 'sha512', 64),
  RS256: spec('RS256', 'rsa', 'sha256', 0),
  RS384: spec('RS384', 'rsa', 'sha384', 0),
  RS512: spec('RS512', 'rsa', 'sha512', 0),
  PS256: spec('PS256', 'pss', 'sha256', 0, 32),
  PS384: spec('PS384', 'pss', 'sha384', 0, 48),
  PS512: spec('PS512', 'pss', 'sha512', 0, 64),
  ES256: spec('ES256', 'ecdsa', 'sha256', 64),
  ES384: spec('ES384', 'ecdsa', 'sha384', 96),
  ES512: spec('ES512', 'ecdsa', 'sha512', 132),
  EdDSA: spec('EdDSA', 'eddsa', null, 64),
})

const modulusSizes = new WeakMap<KeyObject, number>()

// `asymmetricKeyDetails` builds a new object on every read: remember the answer per key.
function modulusBytes(key: KeyObject): number {
  let bytes = modulusSizes.get(key)
  if (bytes === undefined) {
    bytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8)
    modulusSizes.set(key, bytes)
  }
  return bytes
}

/**
 * Checks a JWS signature synchronously on node:crypto. False for a wrong signature, a signature of
 * the wrong length (RSA: exactly the modulus length), or a key of the wrong type for the algorithm (never throws).
 */
export function verifySignature(spec: AlgorithmSpec, key: KeyObject, signingInput: string, signature: Buffer): boolean {
  if (spec.signatureBytes !== 0 && signature.length !== spec.signatureBytes) return false
  try {
    if (spec.family === 'hmac') {
      if (key.type !== 'secret') return false
      const expected = createHmac(spec.hash!, key).update(signingInput).digest()
      return timingSafeEqual(expected, signature)
    }
    const data = Buffer.from(signingInput, 'latin1')
    switch (spec.family) {
      case 'rsa':
        if (key.asymmetricKeyType !== 'rsa') return false
        return cryptoVerify(spec.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature)
      case 'pss': {
        const type = key.asymmetricKeyType
        if (type !== 'rsa' && type !== 'rsa-pss') return false
        // OpenSSL takes a PSS signature with its leading zero bytes stripped; RFC 8017 §8.1.2 says k octets exactly.
        if (signature.length !== modulusBytes(key)) return false
        return cryptoVerify(spec.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.saltLength }, signature)
      }
      case 'ecdsa':
        if (key.asymmetricKeyType !== 'ec') return false
        return cryptoVerify(spec.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature)
      default:
        if (key.asymmetricKeyType !== 'ed25519') return false
        return cryptoVerify(null, data, key, signature)
    }
  } catch {
    return false
  }
}
