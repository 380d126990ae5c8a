import { DEFAULT_COOKIE_NAME, createSigner, parseDuration, systemClock, type Algorithm, type Claims, type Clock, type SecretInput } from '@hivegate/core'
import type { JsonWebKey, KeyObject } from 'node:crypto'
import { LoginError } from './errors.js'
import { isCookieName, serializeCookie } from './cookies.js'

/** How the hivegate session token is signed and carried. */
export interface SessionOptions {
  /** HMAC secret (at least 32 bytes) the token is signed with; the verifier knows it by `kid`. */
  secret?: SecretInput
  /** Private key (PEM, JWK or KeyObject), instead of `secret`. */
  privateKey?: string | JsonWebKey | KeyObject
  /** `kid` header naming the key. */
  kid?: string
  /** Signing algorithm. Default: HS256 for a secret, the key's natural algorithm otherwise. */
  alg?: Algorithm
  /** `iss` claim. */
  issuer?: string
  /** `aud` claim. */
  audience?: string | string[]
  /** Token and cookie lifetime: seconds or '1h'-style. Default '1h'. */
  ttl?: number | string
  /** Cookie the token is set in; the resolver reads it first. Default `hg_token`. */
  cookieName?: string
}

/** Mints session tokens and the cookies that carry them. */
export interface SessionIssuer {
  readonly cookieName: string
  /** A token for `claims` and its cookie; `notAfter` (epoch s) caps `exp`. Throws `session_expired` when nothing is left. */
  issue(claims: Claims, notAfter?: number): { token: string; cookie: string; expiresAt: number }
  /** A `Set-Cookie` value that deletes the session cookie. */
  clear(): string
}

/** Session defaults, in one place. */
export const SESSION_DEFAULTS = Object.freeze({ ttl: '1h', cookieName: DEFAULT_COOKIE_NAME })

/** Validates `options` once and builds the issuer; `secure` marks the cookie Secure. */
export function createSessionIssuer(options: SessionOptions | undefined, secure: boolean, clock: Clock = systemClock): SessionIssuer {
  if (typeof options !== 'object' || options === null) throw new TypeError('"session" must be an object with "secret" or "privateKey"')
  const ttl = parseDuration(options.ttl ?? SESSION_DEFAULTS.ttl, 'session.ttl')
  if (ttl < 1) throw new RangeError('"session.ttl" must be at least one second')
  const cookieName = options.cookieName ?? SESSION_DEFAULTS.cookieName
  if (typeof cookieName !== 'string' || !isCookieName(cookieName)) throw new TypeError('"session.cookieName" must be a valid cookie name')
  const signer = createSigner({
    ...(options.alg !== undefined && { alg: options.alg }),
    ...(options.kid !== undefined && { kid: options.kid }),
    ...(options.secret !== undefined && { secret: options.secret }),
    ...(options.privateKey !== undefined && { privateKey: options.privateKey }),
    ...(options.issuer !== undefined && { issuer: options.issuer }),
    ...(options.audience !== undefined && { audience: options.audience }),
    ttl,
    clock,
  })
  const attributes = { path: '/', secure, sameSite: 'Lax' as const }
  return {
    cookieName,
    issue(claims, notAfter) {
      const now = Math.floor(clock.now() / 1000)
      const lifetime = notAfter === undefined ? ttl : Math.min(ttl, notAfter - now)
      if (lifetime < 1) throw new LoginError('session_expired')
      const token = signer.sign(claims, { ttl: lifetime })
      return { token, cookie: serializeCookie(cookieName, token, { ...attributes, maxAge: lifetime }), expiresAt: now + lifetime }
    },
    clear: () => serializeCookie(cookieName, '', { ...attributes, maxAge: 0 }),
  }
}
