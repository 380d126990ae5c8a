import { parseCookies } from '@hivegate/core'

/** Attributes of a cookie hivegate sets. */
export interface CookieAttributes {
  path: string
  secure: boolean
  sameSite: 'Lax' | 'Strict'
  /** Seconds; 0 deletes the cookie. */
  maxAge: number
}

const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const VALUE = /^[!#-+\--:<-[\]-~]*$/

/** True for a valid cookie name (RFC 6265 token). */
export function isCookieName(name: string): boolean {
  return NAME.test(name)
}

/** A `Set-Cookie` value, always HttpOnly. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  if (!NAME.test(name) || !VALUE.test(value)) throw new TypeError('cookie name or value has characters a cookie cannot carry')
  let text = `${name}=${value}; Path=${attributes.path}; Max-Age=${attributes.maxAge}; HttpOnly; SameSite=${attributes.sameSite}`
  if (attributes.maxAge === 0) text += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT'
  if (attributes.secure) text += '; Secure'
  return text
}

// A login reads a few small cookies of its own: a longer header is not parsed at all.
const MAX_COOKIE_HEADER = 16384

/** Cookies of a `Cookie` header (core's parser); the first of a repeated name wins; malformed pairs are skipped. */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  if (header === undefined || header.length > MAX_COOKIE_HEADER) return Object.create(null) as Record<string, string>
  return parseCookies(header)
}
