import { compileRequirement, type AuthenticationRequirement, type Claims } from '@hivegate/core'
import type { IDToken } from 'oauth4webapi'
import { LoginError } from '../errors.js'
import type { FlowRequest } from '../http.js'

/** What one login asks of the provider (OpenID Connect Core §3.1.2.1 `acr_values`, `max_age`). */
export interface StepUpRequest {
  /** acr values asked for; the ID token's `acr` must be one of them. */
  acr?: string[]
  /** Seconds; the ID token's `auth_time` must be at most this long before the login started. */
  maxAge?: number
}

/** The provider's clock and ours differ: the `auth_time` of a login asked with `max_age` may be this far off. */
export const AUTH_TIME_SKEW_SECONDS = 5

/** A login's step-up request from the flow's `authentication` option and the login route's query. */
export type StepUpResolver = (req: FlowRequest) => StepUpRequest

/**
 * Validates the `authentication` option once and returns how a login's request is built: the
 * option's values, or the query's `acr_values` (space-separated) and `max_age`, which may only
 * narrow them: acr values among the option's, a `max_age` no longer than the option's.
 */
export function createStepUpResolver(option: AuthenticationRequirement | undefined): StepUpResolver {
  const base = option === undefined ? undefined : compileRequirement(option, 'authentication')
  const baseAcr = base?.acrValues === undefined ? undefined : [...base.acrValues]
  return (req) => {
    const acrText = req.query.get('acr_values')
    const maxAgeText = req.query.get('max_age')
    if (acrText === null && maxAgeText === null) return { acr: baseAcr, maxAge: base?.maxAge }
    let asked
    try {
      asked = compileRequirement({
        ...(acrText === null ? {} : { acrValues: acrText.split(' ') }),
        ...(maxAgeText === null ? {} : { maxAge: /^[0-9]{1,9}$/.test(maxAgeText) ? Number(maxAgeText) : maxAgeText }),
      }, 'query')
    } catch {
      throw new LoginError('step_up_invalid')
    }
    const acr = asked.acrValues === undefined ? baseAcr : [...asked.acrValues]
    if (asked.acrValues !== undefined && base?.acrValues !== undefined && acr!.some((value) => !base.acrValues!.has(value))) {
      throw new LoginError('step_up_invalid', 'The requested acr_values are not among those this login accepts')
    }
    const maxAge = asked.maxAge ?? base?.maxAge
    if (base?.maxAge !== undefined && maxAge! > base.maxAge) throw new LoginError('step_up_invalid', 'The requested max_age is longer than this login allows')
    return { acr, maxAge }
  }
}

/** Adds the login's `acr_values` and `max_age` to the authorization request. */
export function addStepUpParams(url: URL, request: StepUpRequest): void {
  if (request.acr !== undefined) url.searchParams.set('acr_values', request.acr.join(' '))
  if (request.maxAge !== undefined) url.searchParams.set('max_age', String(request.maxAge))
}

/**
 * Checks the ID token against what the login asked: `acr` among the requested values, and, with
 * `max_age`, an `auth_time` no earlier than `max_age` before the login started (`startedAt`, Unix s).
 *
 * @throws LoginError `authentication_insufficient`
 */
export function checkStepUp(idToken: IDToken, request: StepUpRequest, startedAt: number): void {
  if (request.acr !== undefined && (typeof idToken.acr !== 'string' || !request.acr.includes(idToken.acr))) {
    throw new LoginError('authentication_insufficient', 'The provider did not use an authentication method the login asked for')
  }
  if (request.maxAge !== undefined) {
    const authTime = idToken.auth_time
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) {
      throw new LoginError('authentication_insufficient', 'The ID token does not say when the user authenticated')
    }
    if (authTime < startedAt - request.maxAge - AUTH_TIME_SKEW_SECONDS) {
      throw new LoginError('authentication_insufficient', 'The provider did not authenticate the user recently enough')
    }
  }
}

/**
 * Carries the ID token's `acr` and `auth_time` into the session claims unless the mapping set
 * them, so `requireAuthentication` can judge the hivegate session token as it would the ID token.
 */
export function withAuthenticationClaims(claims: Claims, idToken: IDToken): Claims {
  const out: Claims = { ...claims }
  if (out.acr === undefined && typeof idToken.acr === 'string') out.acr = idToken.acr
  if (out.auth_time === undefined && typeof idToken.auth_time === 'number') out.auth_time = idToken.auth_time
  return out
}
