import { createAuthContext } from './auth-context.js'
import { createKeyStore } from './keys/index.js'
import { compilePermissions } from './permissions.js'
import { assembleVerifier, type VerifierParts } from './verifier-engine.js'
import type { SyncVerifier, VerifierOptions } from './types.js'

const PARTS: VerifierParts = { createKeyStore, compilePermissions, createAuthContext }

/**
 * Creates the verifier every adapter uses. Per token, in this order: type and length (before any
 * decoding) → cache → strict compact-JWS parsing (three base64url parts, JSON objects, allowed
 * `alg`, no `crit`) → key selection by `iss`/`kid`/`alg` → signature on node:crypto → claims →
 * revocation (`jti` list and `isRevoked`) → `checkClaims` → `per`/`dpv` → cache → AuthContext. A
 * cached token skips to revocation, which is checked on every hit.
 *
 * Options are validated here, once; a mistake throws a TypeError or RangeError naming the option.
 * Every refusal is an AuthError whose description quotes nothing from the token.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuer: 'platform.example',
 *   audience: 'my-api',
 *   keys: { secrets: { 'kid-1': process.env.HG_SECRET! } },
 *   requiredClaims: ['tnd'],
 * })
 * const auth = await verifier.verify(token, 'bearer')
 * auth.can('london', 'deliveryRides/johndoe-123', 'U')
 * ```
 */
export function createVerifier(options: VerifierOptions): SyncVerifier {
  return assembleVerifier(options, PARTS)
}
