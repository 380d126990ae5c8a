// Key material for tests, generated per run; never committed.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import type { JsonWebKey } from 'node:crypto'

export type AsymmetricAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA'

export interface TestKeyPair {
  alg: AsymmetricAlg
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  publicPem: string
  publicJwk: JsonWebKey & { kid: string; alg: string; use: string }
}

const CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' }
const cache = new Map<string, TestKeyPair>()

/** A key pair for `alg`; the same pair for the same (alg, kid) within a run, since RSA generation is slow. */
export function keyPair(alg: AsymmetricAlg, kid: string = `${alg.toLowerCase()}-1`): TestKeyPair {
  const id = `${alg}/${kid}`
  const hit = cache.get(id)
  if (hit) return hit
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg.startsWith('ES')
        ? generateKeyPairSync('ec', { namedCurve: CURVES[alg]! })
        : generateKeyPairSync('rsa', { modulusLength: 2048 })
  const publicJwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }
  const made: TestKeyPair = {
    alg,
    kid,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicJwk,
  }
  cache.set(id, made)
  return made
}

/** A random HMAC secret of `bytes` bytes (default 32, the minimum hivegate accepts). */
export function secret(bytes = 32): Buffer {
  return randomBytes(bytes)
}

/** A JWKS document holding the public keys of `pairs`. */
export function jwks(...pairs: TestKeyPair[]): { keys: JsonWebKey[] } {
  return { keys: pairs.map((p) => p.publicJwk) }
}
