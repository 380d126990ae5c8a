import type { BuiltInSourceName, TokenSource } from './source.js'
import { assertString, optionNames, optionTypeError } from '../options.js'
import { DEFAULT_COOKIE_NAME } from './cookie.js'
import { DEFAULT_QUERY_PARAMETER } from './query.js'

/** The resolver's defaults, in one place. `query` is opt-in: URLs end up in logs. */
export const RESOLVER_DEFAULTS = Object.freeze({
  sources: Object.freeze(['cookie', 'bearer', 'authMessage'] as const) as readonly BuiltInSourceName[],
  cookieName: DEFAULT_COOKIE_NAME,
  queryParameter: DEFAULT_QUERY_PARAMETER,
})

/** Every option name of {@link ResolverOptions}. */
export const RESOLVER_OPTION_NAMES = optionNames<ResolverOptions>({ sources: true, cookieName: true, queryParameter: true })

/** The cookie and query parameter the resolver reads: the options' names, else the defaults. */
export function credentialNames(options: ResolverOptions): { readonly cookieName: string; readonly queryParameter: string } {
  return { cookieName: options.cookieName ?? RESOLVER_DEFAULTS.cookieName, queryParameter: options.queryParameter ?? RESOLVER_DEFAULTS.queryParameter }
}

/** Validates the resolver's scalar options once; `sources` is checked entry by entry as it is built. */
export function resolveResolverOptions(options: ResolverOptions): void {
  if (typeof options !== 'object' || options === null) throw optionTypeError('options', 'an object', options)
  if (options.cookieName !== undefined) assertString('cookieName', options.cookieName)
  if (options.queryParameter !== undefined) assertString('queryParameter', options.queryParameter)
}

export interface ResolverOptions {
  /** Sources in order. Default `['cookie', 'bearer', 'authMessage']`; `query` is opt-in. */
  sources?: ReadonlyArray<BuiltInSourceName | TokenSource>
  /** Cookie the `cookie` source reads. Default `hg_token`. */
  cookieName?: string
  /** Query parameter the `query` source reads. Default `token`. */
  queryParameter?: string
}
