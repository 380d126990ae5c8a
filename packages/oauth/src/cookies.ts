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

/** Cookies of a `Cookie` header; the first of a repeated name wins; malformed pairs are skipped. */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>
  if (header === undefined || header.length > 16384) return out
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const name = part.slice(0, eq).trim()
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1)
    if (name !== '' && !(name in out)) out[name] = value
  }
  return out
}
