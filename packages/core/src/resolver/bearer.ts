import type { RequestView } from '../request-view.js'
import { B64TOKEN_REASON, isB64Token } from './checks.js'
import type { SourceOutcome, TokenSource } from './source.js'

const SPACE = 0x20
const TAB = 0x09

/** The outcome of a source that found nothing; shared, since it carries no data. */
export const NONE: SourceOutcome = Object.freeze({ kind: 'none' })

/** A found, malformed credential: the resolver turns it into `invalid_request` with this reason. */
export function malformedOutcome(reason: string): SourceOutcome {
  return { kind: 'malformed', reason }
}

export { B64TOKEN_REASON, BEARER_CHECK, isB64Token } from './checks.js'

/**
 * A bearer token whose characters are not checked yet. Only the authenticator reads the bearer
 * header this way: a token in the verifier's cache is strict base64url compact JWS, a subset of
 * b64token, so it checks the characters only on a cache miss (where {@link BEARER_CHECK} decides).
 */
export interface UncheckedBearerToken {
  readonly kind: 'token'
  readonly token: string
  readonly unchecked: true
}

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
  return checked(findBearerCredentials(text, start, end))
}

function checked(found: string | SourceOutcome): SourceOutcome {
  if (typeof found !== 'string') return found
  return isB64Token(found) ? { kind: 'token', token: found } : malformedOutcome(B64TOKEN_REASON)
}

/** {@link parseBearerCredentials} but for the b64token check: the token found, unchecked, or the outcome. */
function findBearerCredentials(text: string, start: number, end: number): string | SourceOutcome {
  if (end - start < 6 || !startsWithBearerScheme(text, start)) return NONE
  if (end - start === 6) return malformedOutcome('Bearer credentials carry no token')
  const separator = text.charCodeAt(start + 6)
  if (separator === TAB) return malformedOutcome('Bearer credentials must separate the token with a space')
  if (separator !== SPACE) return NONE
  let i = start + 7
  while (i < end && text.charCodeAt(i) === SPACE) i++
  if (i === end) return malformedOutcome('Bearer credentials carry no token')
  return text.slice(i, end)
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

const TWO_HEADERS = 'The request carries more than one Authorization header'

/** The Bearer credentials of the `Authorization` header: the token found, unchecked, or the outcome. */
function findInHeader(view: RequestView): string | SourceOutcome {
  let value = view.headers.authorization
  if (value === undefined) return NONE
  if (typeof value !== 'string') {
    if (!Array.isArray(value) || value.length !== 1 || typeof value[0] !== 'string') return malformedOutcome(TWO_HEADERS)
    value = value[0]
  }
  if (view.rawHeaders !== undefined && countAuthorizationLines(view.rawHeaders) > 1) return malformedOutcome(TWO_HEADERS)
  return findBearerCredentials(value, 0, value.length)
}

/**
 * The `Authorization: Bearer <token>` header. Two `Authorization` lines are malformed: Node acts on
 * the first, a proxy in front may act on the last.
 */
export const bearerSource: TokenSource = Object.freeze({
  name: 'bearer',
  read(view: RequestView): SourceOutcome {
    return checked(findInHeader(view))
  },
})

/**
 * {@link bearerSource} without the b64token check: a found token comes back as
 * {@link UncheckedBearerToken}. Internal to the authenticator, which checks on a cache miss.
 */
export const uncheckedBearerSource = Object.freeze({
  name: 'bearer',
  read(view: RequestView): SourceOutcome | UncheckedBearerToken {
    const found = findInHeader(view)
    return typeof found === 'string' ? { kind: 'token', token: found, unchecked: true } : found
  },
})
