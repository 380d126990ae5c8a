import type { RequestView } from '../request-view.js'
import type { SourceOutcome, TokenSource } from './source.js'
import { NONE, parseBearerCredentials } from './bearer.js'

function isAsciiWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
}

/**
 * Parses an auth message on a persistent connection: the text `Bearer <token>` the Hivekit client
 * sends. Leading and trailing ASCII whitespace (space, tab, CR, LF) is ignored, so a
 * newline-delimited TCP frame with or without `\r` parses; inside, the rules of the
 * `Authorization` header apply. Text that does not start with `Bearer` is `none` (not an auth
 * message); `Bearer` with a missing or malformed token is `malformed`.
 *
 * @example
 * ```ts
 * parseAuthMessage('Bearer eyJ...')  // { kind: 'token', token: 'eyJ...' }
 * parseAuthMessage('{"hello":1}')    // { kind: 'none' }
 * parseAuthMessage('Bearer ')        // { kind: 'malformed', reason: '...' }
 * ```
 */
export function parseAuthMessage(text: string): SourceOutcome {
  if (typeof text !== 'string') return NONE
  let start = 0
  let end = text.length
  while (start < end && isAsciiWhitespace(text.charCodeAt(start))) start++
  while (end > start && isAsciiWhitespace(text.charCodeAt(end - 1))) end--
  return parseBearerCredentials(text, start, end)
}

/** The auth message of a persistent connection (`view.message`). */
export const authMessageSource: TokenSource = Object.freeze({
  name: 'authMessage',
  read(view: RequestView): SourceOutcome {
    return view.message === undefined ? NONE : parseAuthMessage(view.message)
  },
})
