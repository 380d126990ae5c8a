import { assertString } from '../options.js'
import type { RequestView } from '../request-view.js'
import type { SourceOutcome, TokenSource } from './source.js'
import { NONE, malformedOutcome } from './bearer.js'
import { isCompactJws } from './cookie.js'

/** Query parameter the `query` source reads unless told otherwise. */
export const DEFAULT_QUERY_PARAMETER = 'token'

const BASE = 'http://localhost'

/**
 * A token in the query string (`?token=…`). Opt-in only: URLs end up in access logs, proxies
 * and browser history. Parsed with the WHATWG URL parser; the parameter given twice, empty, or
 * not a compact JWS is malformed.
 */
export function querySource(parameter: string = DEFAULT_QUERY_PARAMETER): TokenSource {
  assertString('queryParameter', parameter)
  const notJws = `The ${parameter} query parameter is not a compact JWS`
  return Object.freeze({
    name: 'query',
    read(view: RequestView): SourceOutcome {
      const url = view.url
      if (typeof url !== 'string' || !url.includes('?')) return NONE
      let values: string[]
      try {
        values = new URL(url, BASE).searchParams.getAll(parameter)
      } catch {
        return NONE
      }
      if (values.length === 0) return NONE
      if (values.length > 1) return malformedOutcome(`The ${parameter} query parameter is given more than once`)
      const value = values[0]!
      return isCompactJws(value) ? { kind: 'token', token: value } : malformedOutcome(notJws)
    },
  })
}
