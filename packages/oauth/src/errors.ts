/**
 * Every code a login can fail with. Codes are API: apps and tests match on `code`, never on the
 * message. The list with status and meaning is in the package README.
 */
export type LoginErrorCode =
  | 'invalid_return_to'
  | 'redirect_uri_invalid'
  | 'method_not_allowed'
  | 'origin_not_allowed'
  | 'payload_too_large'
  | 'login_state_missing'
  | 'login_state_invalid'
  | 'login_state_expired'
  | 'login_state_replayed'
  | 'csrf_mismatch'
  | 'session_data_invalid'
  | 'session_expired'
  | 'project_mismatch'
  | 'session_mismatch'
  | 'provider_rejected'
  | 'provider_error'
  | 'provider_timeout'
  | 'provider_unavailable'
  | 'access_denied'
  | 'authorization_error'
  | 'state_mismatch'
  | 'nonce_mismatch'
  | 'id_token_invalid'
  | 'token_exchange_failed'
  | 'claims_rejected'
  | 'step_up_invalid'
  | 'authentication_insufficient'
  | 'session_hook_failed'
  | 'server_error'

const STATUS: Readonly<Record<LoginErrorCode, [number, string]>> = {
  invalid_return_to: [400, 'The return address is not a path on this site'],
  redirect_uri_invalid: [500, 'The configured redirect URI is not valid'],
  method_not_allowed: [405, 'Method not allowed'],
  origin_not_allowed: [403, 'The request comes from another origin'],
  payload_too_large: [413, 'The request body is too large'],
  login_state_missing: [400, 'No login is in progress in this browser'],
  login_state_invalid: [400, 'The login state is not valid'],
  login_state_expired: [400, 'The login took too long; start again'],
  login_state_replayed: [400, 'This login was already completed'],
  csrf_mismatch: [403, 'The login form does not belong to this login'],
  session_data_invalid: [400, 'The session data is malformed'],
  session_expired: [400, 'The provider session has expired'],
  project_mismatch: [401, 'The session belongs to another project'],
  session_mismatch: [401, 'The provider does not confirm this session'],
  provider_rejected: [401, 'The provider rejected the session key'],
  provider_error: [502, 'The provider answered with an error'],
  provider_timeout: [504, 'The provider did not answer in time'],
  provider_unavailable: [502, 'The provider cannot be reached'],
  access_denied: [403, 'The login was denied'],
  authorization_error: [400, 'The provider returned an authorization error'],
  state_mismatch: [400, 'The login state does not match'],
  nonce_mismatch: [401, 'The ID token does not belong to this login'],
  id_token_invalid: [401, 'The ID token is not valid'],
  token_exchange_failed: [400, 'The authorization code could not be exchanged'],
  claims_rejected: [403, 'The account may not sign in here'],
  step_up_invalid: [400, 'The requested acr_values or max_age is not acceptable here'],
  authentication_insufficient: [401, 'The provider did not authenticate the user as the login asked'],
  session_hook_failed: [500, 'The session could not be stored'],
  server_error: [500, 'The login failed'],
}

/** The codes, for documentation and validation. */
export const LOGIN_ERROR_CODES = Object.freeze(Object.keys(STATUS) as LoginErrorCode[])

/**
 * Why a login step failed. Renders like core's AuthError (`status`, `expose`, `toJSON`), and is
 * turned into a response by the login handlers themselves: it never sets a cookie.
 *
 * @example
 * ```ts
 * login.options.onError = (err) => { if (isLoginError(err)) log.warn(err.code) }
 * ```
 */
export class LoginError extends Error {
  override readonly name = 'LoginError'
  readonly code: LoginErrorCode
  readonly status: number
  readonly expose = true

  /** @param description safe, client-facing text; never a token, key or session data. */
  constructor(code: LoginErrorCode, description?: string, options?: { cause?: unknown }) {
    const [status, text] = STATUS[code]
    super(description ?? text, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = status
  }

  get statusCode(): number {
    return this.status
  }

  toJSON(): { error: LoginErrorCode; error_description: string } {
    return { error: this.code, error_description: this.message }
  }
}

/** True for a LoginError from any copy of this package (matches on shape). */
export function isLoginError(value: unknown): value is LoginError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'LoginError' &&
    typeof (value as { code?: unknown }).code === 'string' &&
    (value as { code: string }).code in STATUS
  )
}
