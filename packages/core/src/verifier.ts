import type { AuthContext } from './auth-context.js'
import type { Clock } from './clock.js'
import type { RevocationList } from './revocation.js'
import { createAuthContext } from './auth-context.js'
import { createKeyStore } from './keys/index.js'
import { compilePermissions } from './permissions.js'
import { assembleVerifier, type VerifierParts } from './verifier-engine.js'
import type { VerifierOptions } from './verifier-options.js'

const PARTS: VerifierParts = { createKeyStore, compilePermissions, createAuthContext }

/**
 * Creates the verifier every adapter uses. Per token, one list of stages in this order: type and
 * length (before any decoding) → cache → the source's character check, when one is handed to `run`
 * → strict compact-JWS parsing (three base64url parts, JSON objects, allowed
 * `alg`, no `crit`) → key selection by `iss`/`kid`/`alg` → signature on node:crypto → claims →
 * revocation (`jti` list and `isRevoked`) → `checkClaims` → `per`/`dpv` → cache → AuthContext. A
 * cached token skips to revocation, which is checked on every hit. One runner goes through them;
 * `verify` is its Promise form, `verifySync` its synchronous form, `run` the runner itself.
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

/** A token source's character check, which a verifier may skip for a token it already proved (a cache hit). */
export interface TokenCheck {
  /** Does the token pass the source's own check? */
  passes(token: string): boolean
  /** The `invalid_request` reason when it does not. */
  readonly reason: string
  /**
   * True when every strict compact JWS passes this check (the built-in sources' checks do): the
   * verifier then runs it only for a token it cannot decode, with the same outcome.
   */
  readonly admitsEveryJws?: boolean
}

export interface Verifier {
  /** Verifies a compact JWS; resolves to its AuthContext or rejects with an AuthError. */
  verify(token: string, source?: string): Promise<AuthContext>
  /**
   * The fast path, optional: any verifier that has it gets it from the authenticator. Returns the
   * AuthContext itself when nothing had to wait, else a Promise of it; a refusal known at once is
   * thrown as an AuthError, a later one rejects. `check` is the character check of the source that
   * carried the token, still due: refuse with `invalid_request` and its `reason` when the token
   * fails it, unless the token is one this verifier already proved. With `sync`, throw
   * `NotSynchronousError` rather than wait.
   */
  run?(token: string, source: string, check?: TokenCheck, sync?: boolean): AuthContext | Promise<AuthContext>
  readonly revocations: RevocationList
  readonly clock: Clock
}

/**
 * The verifier `createVerifier` returns: {@link Verifier} plus a synchronous variant for hot paths
 * whose keys are local (secrets, PEM/JWK keys, a local JWKS) and whose hooks are synchronous.
 */
export interface SyncVerifier extends Verifier {
  run(token: string, source: string, check?: TokenCheck, sync?: boolean): AuthContext | Promise<AuthContext>
  /**
   * Like `verify`, without a Promise: returns the AuthContext or throws an AuthError. Throws a
   * `TypeError` with code `ERR_HIVEGATE_NOT_SYNC` when the key store (remote JWKS, a key lookup)
   * or `isRevoked`/`checkClaims` returns a Promise for this token.
   */
  verifySync(token: string, source?: string): AuthContext
}
