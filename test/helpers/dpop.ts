// DPoP proofs for tests, made with jose, independently of the code under test.
import { createHash, randomUUID, type KeyObject } from 'node:crypto'
import { calculateJwkThumbprint, CompactSign } from 'jose'
import { keyPair, type AsymmetricAlg } from './keys.js'

export interface DpopKey {
  alg: AsymmetricAlg
  privateKey: KeyObject
  /** The public JWK as a proof header carries it (no kid/alg/use). */
  jwk: Record<string, unknown>
  /** RFC 7638 thumbprint by jose: the token's `cnf.jkt`. */
  jkt: string
}

/** A client key for proofs; `kid` names a distinct key of the same algorithm. */
export async function dpopKey(alg: AsymmetricAlg = 'ES256', kid = 'dpop-client'): Promise<DpopKey> {
  const pair = keyPair(alg, kid)
  const jwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>
  return { alg, privateKey: pair.privateKey, jwk, jkt: await calculateJwkThumbprint(jwk as never, 'sha256') }
}

/** base64url(SHA-256(token)), the `ath` claim. */
export function ath(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

export interface ProofOptions {
  htm: string
  htu: string
  /** The access token, for `ath`; omit to leave `ath` out. */
  token?: string
  /** Epoch seconds; default now. */
  iat?: number
  jti?: string
  nonce?: string
  /** Header overrides (typ, alg, jwk); a value of undefined removes the member. */
  header?: Record<string, unknown>
  /** Claim overrides; a value of undefined removes the claim. */
  claims?: Record<string, unknown>
}

/** Signs a DPoP proof with `key`. */
export async function proof(key: DpopKey, options: ProofOptions): Promise<string> {
  const claims: Record<string, unknown> = {
    jti: options.jti ?? randomUUID(),
    htm: options.htm,
    htu: options.htu,
    iat: options.iat ?? Math.floor(Date.now() / 1000),
    ...(options.token === undefined ? {} : { ath: ath(options.token) }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...options.claims,
  }
  const header: Record<string, unknown> = { typ: 'dpop+jwt', alg: key.alg, jwk: key.jwk, ...options.header }
  for (const o of [claims, header]) for (const [k, v] of Object.entries(o)) if (v === undefined) delete o[k]
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(header as never).sign(key.privateKey)
}
