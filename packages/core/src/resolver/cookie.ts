import { parse } from 'cookie'
import { assertString } from '../options.js'
import type { RequestView } from '../request-view.js'
import type { TokenCheck } from '../verifier.js'
import type { SourceOutcome, TokenSource } from './source.js'
import { NONE, malformedOutcome } from './bearer.js'
import { cookieCheck, isCompactJws } from './checks.js'

/** Cookie the `cookie` source reads unless told otherwise. */
export const DEFAULT_COOKIE_NAME = 'hg_token'

export { isCompactJws } from './checks.js'

// RFC 6265 §4.1.1 cookie-name = token (RFC 9110 §5.6.2 tchar).
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Asserts a valid cookie name (an RFC 9110 token); the message names `option`. */
export function assertCookieName(option: string, name: unknown): asserts name is string {
  assertString(option, name)
  if (!COOKIE_NAME.test(name)) throw new RangeError(`"${option}" must be a valid cookie name (RFC 6265 token characters)`)
}

function cookieHeader(view: RequestView): string | undefined {
  const header = view.headers.cookie
  if (typeof header === 'string') return header
  // HTTP/2 may deliver one header per cookie; RFC 9113 §8.2.3 joins them with '; '.
  if (Array.isArray(header)) return header.filter((h) => typeof h === 'string').join('; ')
  return undefined
}

// RFC 6265 §4.1.1 allows a cookie-value wrapped in DQUOTEs; the `cookie` package keeps them.
function unquote(value: string): string {
  return value.length >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(value.length - 1) === 0x22 ? value.slice(1, -1) : value
}

/** Every distinct value the header gives `name` (slow path, for headers that name it twice). */
function distinctValues(header: string, name: string): Set<string> {
  const values = new Set<string>()
  for (const pair of header.split(';')) {
    const value = parse(pair)[name]
    if (value !== undefined) values.add(unquote(value))
  }
  return values
}

/**
 * The token cookie. Reads `view.cookies` when the host parsed them, the `Cookie` header otherwise.
 * An empty value is `none` (a cleared cookie); a value that is not a compact JWS, or the cookie
 * sent twice with different values (a sibling subdomain can plant a second one), is malformed.
 */
export function cookieSource(name: string = DEFAULT_COOKIE_NAME): TokenSource {
  return buildCookieSource(name, false).source
}

/**
 * {@link cookieSource} without the compact-JWS check, and that check, which the caller must run
 * unless the verifier's cache holds the token. Internal to the authenticator; every other check
 * (the cookie sent twice, a value that is not a string) stays in the source.
 */
export function uncheckedCookieSource(name: string = DEFAULT_COOKIE_NAME): { readonly source: TokenSource; readonly check: TokenCheck } {
  return buildCookieSource(name, true)
}

function buildCookieSource(name: string, deferCheck: boolean): { readonly source: TokenSource; readonly check: TokenCheck } {
  assertCookieName('cookieName', name)
  const notJws = `The ${name} cookie is not a compact JWS`
  const twice = `The ${name} cookie is sent more than once`
  const source = Object.freeze({
    name: 'cookie',
    read(view: RequestView): SourceOutcome {
      const header = cookieHeader(view)
      let found: unknown
      if (view.cookies !== undefined) {
        found = Object.hasOwn(view.cookies, name) ? view.cookies[name] : undefined
      } else if (header !== undefined && header.includes(name)) {
        found = parse(header)[name]
      }
      if (found === undefined || found === '') return NONE
      if (typeof found !== 'string') return malformedOutcome(notJws)
      const value = unquote(found)
      const first = header === undefined ? -1 : header.indexOf(name)
      if (first >= 0 && header!.includes(name, first + name.length) && distinctValues(header!, name).size > 1) {
        return malformedOutcome(twice)
      }
      return deferCheck || isCompactJws(value) ? { kind: 'token', token: value } : malformedOutcome(notJws)
    },
  })
  return { source, check: cookieCheck(notJws) }
}
