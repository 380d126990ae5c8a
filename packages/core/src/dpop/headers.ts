import type { RequestView } from '../request-view.js'
import type { SourceOutcome, TokenSource } from '../resolver/source.js'
import { isB64Token } from '../resolver/checks.js'

/** Name of the token source that reads `Authorization: DPoP <token>`. */
export const DPOP_SOURCE = 'dpop'

/** Lines named `name` (lower-case) in the raw headers; Node keeps only one of some in `headers`. */
export function countHeaderLines(rawHeaders: readonly string[] | undefined, name: string): number {
  if (rawHeaders === undefined) return 0
  let count = 0
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const line = rawHeaders[i]
    if (line !== undefined && line.length === name.length && line.toLowerCase() === name) count++
  }
  return count
}

const NONE: SourceOutcome = Object.freeze({ kind: 'none' })
const SPACE = 0x20

/** The scheme of the `Authorization` header, lower-case, or undefined when there is none. */
export function authorizationScheme(view: RequestView): string | undefined {
  const value = view.headers.authorization
  if (typeof value !== 'string') return undefined
  const end = value.indexOf(' ')
  return (end === -1 ? value : value.slice(0, end)).toLowerCase()
}

function isDpopScheme(text: string): boolean {
  return text.length >= 4 && text.slice(0, 4).toLowerCase() === 'dpop' && (text.length === 4 || text.charCodeAt(4) === SPACE || text.charCodeAt(4) === 0x09)
}

/**
 * `Authorization: DPoP <token>` (RFC 9449 §7.1): the scheme in any casing, one or more spaces, one
 * token68. Another scheme is `none` (the bearer source reads `Bearer`); two `Authorization`
 * lines are malformed, as for Bearer.
 */
export const dpopSource: TokenSource = Object.freeze({
  name: DPOP_SOURCE,
  read(view: RequestView): SourceOutcome {
    let value = view.headers.authorization
    if (Array.isArray(value) && value.length === 1) value = value[0]
    if (typeof value !== 'string' || !isDpopScheme(value)) return NONE
    if (countHeaderLines(view.rawHeaders, 'authorization') > 1) {
      return { kind: 'malformed', reason: 'The request carries more than one Authorization header' }
    }
    if (value.length === 4 || value.charCodeAt(4) !== SPACE) return { kind: 'malformed', reason: 'DPoP credentials carry no token' }
    let i = 5
    while (i < value.length && value.charCodeAt(i) === SPACE) i++
    const token = value.slice(i)
    if (token === '') return { kind: 'malformed', reason: 'DPoP credentials carry no token' }
    if (!isB64Token(token)) return { kind: 'malformed', reason: 'The DPoP token contains characters RFC 9449 does not allow' }
    return { kind: 'token', token }
  },
})

/**
 * The `DPoP` header: its one value, or a reason to refuse. Two lines are refused (RFC 9449 §4.3
 * check 1), and so is a joined value, which Node makes of two lines of an unknown header.
 */
export function readProofHeader(view: RequestView, maxLength: number): string | { reason: string } {
  const value = view.headers.dpop
  if (value === undefined) return { reason: 'The request carries no DPoP proof' }
  if (typeof value !== 'string' || countHeaderLines(view.rawHeaders, 'dpop') > 1 || value.includes(',')) {
    return { reason: 'The request carries more than one DPoP header' }
  }
  if (value.length > maxLength) return { reason: 'The DPoP proof is too long' }
  if (value === '') return { reason: 'The request carries no DPoP proof' }
  return value
}
