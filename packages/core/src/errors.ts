import { dpopChallenge, type DpopChallenge } from './dpop/challenge.js'

/**
 * Every code a request can fail with. Codes are API: tests and apps match on `code`, never on
 * the message. The full list, with status and meaning, is in the core README.
 */
export type AuthErrorCode =
  | 'credentials_required'
  | 'invalid_request'
  | 'invalid_token'
  | 'token_expired'
  | 'token_revoked'
  | 'insufficient_permission'
  | 'insufficient_user_authentication'
  | 'too_many_failures'
  | 'origin_not_allowed'
  | 'keys_unavailable'
  | 'server_busy'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'

interface CodeInfo {
  status: number
  /** RFC 6750 §3.1 error attribute; undefined where the RFC says to send none. */
  rfc6750?: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'insufficient_user_authentication'
  /** RFC 9449 §7.1/§9 error attribute of the DPoP challenge. */
  rfc9449?: 'invalid_dpop_proof' | 'use_dpop_nonce'
  /** WebSocket close code (4000 + HTTP status, as graphql-ws and others do). */
  closeCode: number
  description: string
}

const CODES: Readonly<Record<AuthErrorCode, CodeInfo>> = {
  credentials_required: { status: 401, closeCode: 4401, description: 'Authentication is required' },
  invalid_request: {
    status: 400,
    rfc6750: 'invalid_request',
    closeCode: 4400,
    description: 'The credentials are malformed',
  },
  invalid_token: {
    status: 401,
    rfc6750: 'invalid_token',
    closeCode: 4401,
    description: 'The token is invalid',
  },
  token_expired: {
    status: 401,
    rfc6750: 'invalid_token',
    closeCode: 4401,
    description: 'The token has expired',
  },
  token_revoked: {
    status: 401,
    rfc6750: 'invalid_token',
    closeCode: 4401,
    description: 'The token has been revoked',
  },
  insufficient_permission: {
    status: 403,
    rfc6750: 'insufficient_scope',
    closeCode: 4403,
    description: 'The token does not grant this permission',
  },
  // RFC 9470 §3: the token is fine, but the authentication behind it is too weak or too old.
  insufficient_user_authentication: {
    status: 401,
    rfc6750: 'insufficient_user_authentication',
    closeCode: 4401,
    description: 'A stronger or more recent authentication is required',
  },
  too_many_failures: { status: 429, closeCode: 4429, description: 'Too many failed authentications; retry later' },
  origin_not_allowed: {
    status: 403,
    closeCode: 4403,
    description: 'Cross-origin requests authenticated by cookie are not allowed',
  },
  keys_unavailable: {
    status: 503,
    closeCode: 4503,
    description: 'The keys needed to verify the token are unavailable',
  },
  server_busy: { status: 503, closeCode: 4503, description: 'Too many pending connections' },
  invalid_dpop_proof: { status: 401, rfc9449: 'invalid_dpop_proof', closeCode: 4401, description: 'The DPoP proof is invalid' },
  use_dpop_nonce: { status: 401, rfc9449: 'use_dpop_nonce', closeCode: 4401, description: 'The DPoP proof must carry the server nonce' },
}

/** The codes, for documentation and validation. */
export const AUTH_ERROR_CODES = Object.freeze(Object.keys(CODES) as AuthErrorCode[])

export interface AuthErrorOptions {
  /** Why, for logs (never sent to a client). Must not contain the token or key material. */
  cause?: unknown
  /**
   * Further auth-params of the challenge, after `error_description`, e.g. RFC 9470's
   * `acr_values` and `max_age`. Values must be printable ASCII; '"' and '\\' are dropped.
   */
  challenge?: Readonly<Record<string, string>>
  /** Seconds the client should wait: sent as `Retry-After` (RFC 9110 §10.2.3). */
  retryAfter?: number
}

// RFC 6750 §3: `error_description` may hold printable ASCII except '"' and '\', so those are dropped.
function descriptionAttribute(value: string): string {
  return value.replace(/[^\x20-\x7e]|["\\]/g, '')
}

// RFC 7235 §2.2: `realm` is any quoted-string, so '"' and '\' are kept as quoted-pairs; the
// rest outside printable ASCII (CR, LF, non-ASCII) is dropped, never sent as a header line.
function realmAttribute(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')
}

// A refusal is about one request and one credential: no cache may keep it or serve it to another.
const REFUSAL_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'no-store' })

/**
 * The one error a request fails with, in every package. It renders itself: Express's final
 * handler reads `status`/`statusCode` and `headers`, Koa reads `status`, `expose` and `headers`.
 *
 * @example
 * ```ts
 * try { await verifier.verify(token) } catch (err) {
 *   if (isAuthError(err) && err.code === 'token_expired') { ... }
 * }
 * ```
 */
export class AuthError extends Error {
  override readonly name = 'AuthError'
  readonly code: AuthErrorCode
  /** HTTP status: 400, 401, 403, 429 or 503. */
  readonly status: number
  /** WebSocket close code used by the socket packages (4400, 4401, 4403, 4429, 4503). */
  readonly closeCode: number
  /** Koa: the message is safe to send to the client. */
  readonly expose = true
  /** Realm of the `WWW-Authenticate` challenge; adapters set it from their options. */
  realm: string | undefined
  /** Auth-params the challenge adds after `error_description` (e.g. `acr_values`, `max_age`). */
  readonly challenge: Readonly<Record<string, string>> | undefined
  /** Seconds sent as `Retry-After`, when set. */
  readonly retryAfter: number | undefined
  /** Set by an authenticator with DPoP on (RFC 9449 §7.1): the challenge then names DPoP too. */
  dpop: DpopChallenge | undefined

  /** @param description safe, client-facing text; never the token or key material. */
  constructor(code: AuthErrorCode, description?: string, options?: AuthErrorOptions) {
    const info = CODES[code]
    // No stack: capturing one cost ~10 µs, five times an HMAC check, on every refused token of a flood;
    // and a host that renders err.stack (finalhandler outside production) shows the client nothing.
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(description ?? info.description, options?.cause === undefined ? undefined : { cause: options.cause })
    Error.stackTraceLimit = limit
    this.code = code
    this.status = info.status
    this.closeCode = info.closeCode
    this.realm = undefined
    this.challenge = options?.challenge
    this.retryAfter = options?.retryAfter
    this.dpop = undefined
  }

  /** Express reads `statusCode` as well as `status`. */
  get statusCode(): number {
    return this.status
  }

  /** The RFC 6750 `error` attribute, if this code has one. */
  get rfc6750Error(): string | undefined {
    return CODES[this.code].rfc6750
  }

  /** The RFC 6750 §3 `WWW-Authenticate` value, or undefined for non-401/403 codes. */
  get wwwAuthenticate(): string | undefined {
    if (this.status !== 401 && this.status !== 403 && this.status !== 400) return undefined
    const info = CODES[this.code]
    if (this.dpop !== undefined || info.rfc9449 !== undefined) {
      const realm = this.realm === undefined ? undefined : realmAttribute(this.realm)
      const error = info.rfc9449 ?? info.rfc6750
      return dpopChallenge(this.dpop, realm, error, error === undefined ? undefined : descriptionAttribute(this.message), this.challengeParams())
    }
    const parts: string[] = []
    if (this.realm !== undefined) parts.push(`realm="${realmAttribute(this.realm)}"`)
    const error = this.rfc6750Error
    // §3.1: a request that carried no credentials gets a challenge without an error code.
    if (error !== undefined) {
      parts.push(`error="${error}"`, `error_description="${descriptionAttribute(this.message)}"`)
    }
    parts.push(...this.challengeParams())
    return parts.length === 0 ? 'Bearer' : `Bearer ${parts.join(', ')}`
  }

  // RFC 9470 §3 and the like: the auth-params after error_description, escaped.
  private challengeParams(): string[] {
    if (this.challenge === undefined) return []
    return Object.entries(this.challenge).map(([name, value]) => `${name}="${descriptionAttribute(value)}"`)
  }

  /**
   * Headers every answer to this refusal carries: `Cache-Control: no-store` and, for 400/401/403,
   * `WWW-Authenticate`. Express's finalhandler and Koa's `ctx.onerror` copy them, and
   * {@link writeAuthError} sends them, so a handed-off refusal is answered with the same headers.
   */
  get headers(): Record<string, string> {
    const value = this.wwwAuthenticate
    const headers: Record<string, string> = value === undefined ? { ...REFUSAL_HEADERS } : { ...REFUSAL_HEADERS, 'WWW-Authenticate': value }
    if (this.retryAfter !== undefined) headers['Retry-After'] = String(this.retryAfter)
    // RFC 9449 §8.1/§9: the nonce the next proof must carry.
    if (this.dpop?.nonce !== undefined) headers['DPoP-Nonce'] = this.dpop.nonce
    return headers
  }

  /** The JSON body every adapter answers with. */
  toJSON(): { error: AuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.message }
  }
}

/** True for an AuthError from any copy of this package (matches on shape, not `instanceof`). */
export function isAuthError(value: unknown): value is AuthError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'AuthError' &&
    typeof (value as { code?: unknown }).code === 'string' &&
    Object.hasOwn(CODES, (value as { code: string }).code)
  )
}
