import type { DataProviderClaim, PermissionsClaim } from './permissions.js'
import { AuthError } from './errors.js'

/** Latest NumericDate accepted: 9999-12-31T23:59:59Z. Beyond it a value is a mistake or an attack. */
export const MAX_NUMERIC_DATE = 253402300799

/** The claim rules of one verifier, fixed at construction. */
export interface ClaimRules {
  /** Accepted `iss` values; `iss` is always required. */
  readonly issuers: ReadonlySet<string>
  /** Accepted `aud` values; undefined when the audience is not checked. */
  readonly audiences: ReadonlySet<string> | undefined
  readonly requiredClaims: readonly string[]
  /** Leeway for exp, nbf and iat, seconds. */
  readonly tolerance: number
  /** Oldest `iat` accepted, seconds of age; undefined for no limit. */
  readonly maxTokenAge: number | undefined
}

function invalid(description: string): never {
  throw new AuthError('invalid_token', description)
}

// A NumericDate (RFC 7519 §2) in [0, MAX_NUMERIC_DATE]; rules out strings, NaN, ±Infinity (JSON 1e400) and negatives.
function numericDate(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_NUMERIC_DATE)) invalid(`The "${name}" claim must be a date in seconds`)
  return value
}

function audienceMatches(aud: unknown, accepted: ReadonlySet<string>): boolean {
  if (typeof aud === 'string') return accepted.has(aud)
  if (!Array.isArray(aud)) return false
  let match = false
  for (const entry of aud) {
    if (typeof entry !== 'string') return false
    if (accepted.has(entry)) match = true
  }
  return match
}

function isAudienceShape(aud: unknown): boolean {
  return typeof aud === 'string' || (Array.isArray(aud) && aud.every((entry) => typeof entry === 'string'))
}

/** The outcome of {@link checkRegisteredClaims} for a token it accepts. */
export interface ClaimVerdict {
  /**
   * Epoch ms of the first moment this verifier refuses the token on time grounds (`exp` plus
   * `clockTolerance`, or `iat` plus `maxTokenAge` plus `clockTolerance`); Infinity when neither applies.
   */
  readonly validUntil: number
  /** False while `nbf` or `iat` is still ahead of the clock (accepted within the tolerance): not cached. */
  readonly cacheable: boolean
}

/**
 * The first epoch ms at which a token with these (checked) dates is refused: the check below
 * compares whole seconds, so `exp` is refused once `floor(now / 1000) >= exp + tolerance` and an
 * age once `floor(now / 1000) > iat + maxTokenAge + tolerance`.
 */
function refusedFrom(exp: number | undefined, iat: number | undefined, rules: ClaimRules): number {
  let until = exp === undefined ? Infinity : Math.ceil(exp + rules.tolerance) * 1000
  if (rules.maxTokenAge !== undefined && iat !== undefined) {
    const tooOld = (Math.floor(iat + rules.maxTokenAge + rules.tolerance) + 1) * 1000
    if (tooOld < until) until = tooOld
  }
  return until
}

/**
 * Checks the registered claims of a payload whose signature is valid, at `nowSeconds` (whole
 * seconds, as jose compares). Returns until when the verdict holds (the AuthContext's
 * `validUntil`, and the cache entry's lifetime) and whether it may be cached.
 *
 * @throws AuthError `token_expired` for `exp` or `maxTokenAge`, otherwise `invalid_token`
 */
export function checkRegisteredClaims(claims: Claims, nowSeconds: number, rules: ClaimRules): ClaimVerdict {
  const tolerance = rules.tolerance
  const exp = numericDate(claims.exp, 'exp')
  const nbf = numericDate(claims.nbf, 'nbf')
  const iat = numericDate(claims.iat, 'iat')
  const iss = claims.iss
  if (typeof iss !== 'string' || !rules.issuers.has(iss)) invalid('The token issuer is not accepted')
  if (rules.audiences !== undefined) {
    if (!audienceMatches(claims.aud, rules.audiences)) invalid('The token audience is not accepted')
  } else if (claims.aud !== undefined && !isAudienceShape(claims.aud)) {
    invalid('The "aud" claim must be a string or an array of strings')
  }
  if (claims.sub !== undefined && typeof claims.sub !== 'string') invalid('The "sub" claim must be a string')
  if (claims.jti !== undefined && typeof claims.jti !== 'string') invalid('The "jti" claim must be a string')
  const required = rules.requiredClaims
  for (let i = 0; i < required.length; i++) {
    const name = required[i]!
    const value = Object.hasOwn(claims, name) ? claims[name] : undefined
    if (value === undefined || value === null) invalid(`The token lacks the required "${name}" claim`)
  }
  if (exp !== undefined && exp <= nowSeconds - tolerance) throw new AuthError('token_expired')
  if (nbf !== undefined && nbf > nowSeconds + tolerance) invalid('The token is not valid yet')
  if (iat !== undefined && iat > nowSeconds + tolerance) invalid('The token was issued in the future')
  if (rules.maxTokenAge !== undefined) {
    if (iat === undefined) invalid('The token lacks the "iat" claim needed to check its age')
    if (nowSeconds > iat + rules.maxTokenAge + tolerance) throw new AuthError('token_expired', 'The token is too old')
  }
  const cacheable = !((nbf !== undefined && nbf > nowSeconds) || (iat !== undefined && iat > nowSeconds))
  return { validUntil: refusedFrom(exp, iat, rules), cacheable }
}

/** Payload of a verified token. Registered claims are checked; the rest is passed through. */
export interface Claims {
  iss?: string
  sub?: string
  aud?: string | string[]
  exp?: number
  nbf?: number
  iat?: number
  jti?: string
  /** Tenant id. */
  tnd?: string
  per?: PermissionsClaim
  dpv?: DataProviderClaim
  [claim: string]: unknown
}
