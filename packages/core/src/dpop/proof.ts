import { AuthError, isAuthError } from '../errors.js'
import { decodeCompact } from '../jws.js'
import { verifySignature } from '../signature.js'
import { proofKeyOf } from './jwk.js'

/** The claims of a proof whose signature checked (RFC 9449 §4.2), typed. */
export interface ProofClaims {
  readonly jti: string
  readonly htm: string
  readonly htu: string
  readonly iat: number
  readonly ath: unknown
  readonly nonce: unknown
}

/** A proof whose form and signature checked; its claims still to compare with the request. */
export interface CheckedProof {
  readonly claims: ProofClaims
  /** RFC 7638 thumbprint of the proof's key, to compare with the token's `cnf.jkt`. */
  readonly thumbprint: string
}

/** Longest `jti` accepted: it becomes a replay-store key. */
export const MAX_JTI_LENGTH = 256

export function refuseProof(description: string, cause?: unknown): never {
  throw new AuthError('invalid_dpop_proof', description, cause === undefined ? undefined : { cause })
}

/**
 * RFC 9449 §4.3 checks 2–7: one well-formed JWS, `typ: dpop+jwt`, an allowed asymmetric `alg`, a
 * public `jwk` of that algorithm, a signature by it, and the claims `jti`, `htm`, `htu`, `iat`.
 */
export function checkProof(proof: string, algorithms: ReadonlySet<string>): CheckedProof {
  let decoded: ReturnType<typeof decodeCompact>
  try {
    decoded = decodeCompact(proof, algorithms)
  } catch (err) {
    refuseProof(isAuthError(err) && err.message.includes('algorithm') ? 'The DPoP proof algorithm is not accepted' : 'The DPoP proof is not a well-formed JWS', err)
  }
  const { header, claims, spec } = decoded
  if (header.typ !== 'dpop+jwt') refuseProof('The DPoP proof "typ" must be "dpop+jwt"')
  if (spec.family === 'hmac') refuseProof('The DPoP proof algorithm is not accepted')
  const key = proofKeyOf(header.jwk, spec)
  if (!verifySignature(spec, key.key, decoded.signingInput, decoded.signature)) refuseProof('The DPoP proof signature is invalid')
  const { jti, htm, htu, iat } = claims as Record<string, unknown>
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) refuseProof('The DPoP proof has no valid "jti"')
  if (typeof htm !== 'string' || typeof htu !== 'string') refuseProof('The DPoP proof has no "htm" or "htu"')
  if (typeof iat !== 'number' || !Number.isFinite(iat)) refuseProof('The DPoP proof has no valid "iat"')
  return { claims: { jti, htm, htu, iat, ath: claims.ath, nonce: claims.nonce }, thumbprint: key.thumbprint }
}
