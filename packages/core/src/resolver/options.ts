import { assertString, optionTypeError } from '../options.js'
import type { BuiltInSourceName, ResolverOptions } from '../types.js'
import { DEFAULT_COOKIE_NAME } from './cookie.js'
import { DEFAULT_QUERY_PARAMETER } from './query.js'

/** The resolver's defaults, in one place. `query` is opt-in: URLs end up in logs. */
export const RESOLVER_DEFAULTS = Object.freeze({
  sources: Object.freeze(['cookie', 'bearer', 'authMessage'] as const) as readonly BuiltInSourceName[],
  cookieName: DEFAULT_COOKIE_NAME,
  queryParameter: DEFAULT_QUERY_PARAMETER,
})

/** Validates the resolver's scalar options once; `sources` is checked entry by entry as it is built. */
export function resolveResolverOptions(options: ResolverOptions): void {
  if (typeof options !== 'object' || options === null) throw optionTypeError('options', 'an object', options)
  if (options.cookieName !== undefined) assertString('cookieName', options.cookieName)
  if (options.queryParameter !== undefined) assertString('queryParameter', options.queryParameter)
}
