import type { Claims } from '@hivegate/core'
import type { IDToken } from 'oauth4webapi'
import { LoginError, isLoginError } from '../errors.js'
import { SIGNER_CLAIMS, type ClaimsMapper, type ClaimsMappingContext } from './options.js'

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Runs the mapping hook (or the default `{ sub, tnd }`) and checks its result: string `sub` and
 * `tnd`, object `per`/`dpv` when present; registered claims are left to the signer.
 *
 * @throws LoginError `claims_rejected`
 */
export async function mapSessionClaims(
  idToken: IDToken,
  context: ClaimsMappingContext,
  mapper: ClaimsMapper | undefined,
  tenant: string | undefined,
): Promise<Claims> {
  let mapped: unknown
  try {
    mapped = mapper === undefined ? { sub: idToken.sub, tnd: tenant } : await mapper(idToken, context)
  } catch (err) {
    if (isLoginError(err)) throw err
    throw new LoginError('claims_rejected', undefined, { cause: err })
  }
  if (mapped === null || mapped === undefined) throw new LoginError('claims_rejected')
  if (!isPlainObject(mapped)) throw new LoginError('claims_rejected', 'The claims mapping did not return an object')
  const claims: Claims = { ...mapped }
  for (const name of SIGNER_CLAIMS) delete claims[name]
  if (typeof claims.sub !== 'string' || claims.sub === '' || typeof claims.tnd !== 'string' || claims.tnd === '') {
    throw new LoginError('claims_rejected', 'The mapped claims need a string "sub" and "tnd"')
  }
  if (claims.per !== undefined && !isPlainObject(claims.per)) throw new LoginError('claims_rejected', '"per" must be an object')
  if (claims.dpv !== undefined && !isPlainObject(claims.dpv)) throw new LoginError('claims_rejected', '"dpv" must be an object')
  return claims
}
