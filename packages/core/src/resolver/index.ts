import { AuthError } from '../errors.js'
import { assertFunction, assertString, optionTypeError } from '../options.js'
import type { RequestView } from '../request-view.js'
import type { TokenCheck } from '../verifier.js'
import type { ResolverOptions } from './options.js'
import type { BuiltInSourceName, ResolvedToken, Resolver, TokenSource } from './source.js'
import { authMessageSource } from './auth-message.js'
import { BEARER_CHECK, uncheckedBearerSource } from './bearer.js'
import { uncheckedCookieSource } from './cookie.js'
import { credentialNames, RESOLVER_DEFAULTS, resolveResolverOptions } from './options.js'
import { querySource } from './query.js'

const BUILT_IN_NAMES: readonly BuiltInSourceName[] = ['cookie', 'bearer', 'authMessage', 'query']

/**
 * Identity helper that types a custom token source. `read` must not throw: it returns
 * `{ kind: 'none' }`, `{ kind: 'token', token }` or `{ kind: 'malformed', reason }`.
 *
 * @example
 * ```ts
 * const apiKeyHeader = defineTokenSource({
 *   name: 'apiKey',
 *   read: (view) => {
 *     const value = view.headers['x-api-key']
 *     return typeof value === 'string' ? { kind: 'token', token: value } : { kind: 'none' }
 *   },
 * })
 * const resolve = createResolver({ sources: ['cookie', apiKeyHeader, 'bearer'] })
 * ```
 */
export function defineTokenSource<T extends TokenSource>(source: T): T {
  return source
}

/** A source, and the character check it leaves to the caller (built-in sources only). */
interface BuiltSource {
  readonly source: TokenSource
  readonly check: TokenCheck | undefined
}

function buildSource(entry: unknown, index: number, names: ReturnType<typeof credentialNames>): BuiltSource {
  switch (entry) {
    case 'cookie': return uncheckedCookieSource(names.cookieName)
    case 'bearer': return { source: uncheckedBearerSource, check: BEARER_CHECK }
    case 'authMessage': return { source: authMessageSource, check: undefined }
    case 'query': return { source: querySource(names.queryParameter), check: undefined }
  }
  if (typeof entry === 'string') {
    throw new TypeError(`"sources" has an unknown source ${JSON.stringify(entry)}; expected ${BUILT_IN_NAMES.join(', ')} or a TokenSource`)
  }
  if (typeof entry !== 'object' || entry === null) throw optionTypeError(`sources[${index}]`, 'a source name or a TokenSource', entry)
  const source = entry as Partial<TokenSource>
  assertString(`sources[${index}].name`, source.name)
  assertFunction(`sources[${index}].read`, source.read)
  return { source: source as TokenSource, check: undefined }
}

function buildSources(options: ResolverOptions): BuiltSource[] {
  const entries = options.sources ?? RESOLVER_DEFAULTS.sources
  if (!Array.isArray(entries)) throw optionTypeError('sources', 'an array of source names or TokenSources', entries)
  if (entries.length === 0) throw new RangeError('"sources" must list at least one source')
  const names = credentialNames(options)
  const sources = entries.map((entry, i) => buildSource(entry, i, names))
  const seen = new Set<string>()
  for (const { source: { name } } of sources) {
    if (seen.has(name)) throw new TypeError(`"sources" lists the source ${JSON.stringify(name)} twice`)
    seen.add(name)
  }
  return sources
}

/**
 * Builds the one resolver: sources are read in order and the first that carries a token decides.
 * A malformed credential there fails with `invalid_request`; it never falls through to the next
 * source. Returns null when no source carries a token. Options are validated here, once.
 *
 * @example
 * ```ts
 * const resolve = createResolver({ sources: ['bearer', 'cookie'], cookieName: 'session' })
 * const found = resolve({ headers: req.headers, rawHeaders: req.rawHeaders, url: req.url })
 * if (found) await verifier.verify(found.token, found.source)
 * ```
 */
export function createResolver(options: ResolverOptions = {}): Resolver {
  return checkedResolver(createUncheckedResolver(options))
}

/** The public form of a resolver: the source's character check, still due, runs here. */
export function checkedResolver(find: (view: RequestView) => MaybeUncheckedToken | null): Resolver {
  return function resolve(view: RequestView): ResolvedToken | null {
    const found = find(view)
    if (found === null) return null
    const { token, check } = found
    if (check !== undefined && !check.passes(token)) throw new AuthError('invalid_request', check.reason)
    return { token, source: found.source }
  }
}

/** A resolved token; `check` is the built-in source's character check, still due. */
export interface MaybeUncheckedToken extends ResolvedToken {
  readonly check: TokenCheck | undefined
}

/**
 * The resolver itself, which {@link createResolver} completes: a bearer or cookie token comes back
 * with its source's character `check` still due. The authenticator hands that check to the
 * verifier, whose cache may prove the token without it.
 */
export function createUncheckedResolver(options: ResolverOptions = {}): (view: RequestView) => MaybeUncheckedToken | null {
  resolveResolverOptions(options)
  const built = buildSources(options)
  const sources = built.map((b) => b.source)
  // Only a built-in source may leave its check to the caller; a custom one cannot claim it.
  const checks = built.map((b) => b.check)
  const count = sources.length
  return function find(view: RequestView): MaybeUncheckedToken | null {
    for (let i = 0; i < count; i++) {
      const source = sources[i]!
      const outcome = source.read(view)
      if (outcome.kind === 'none') continue
      if (outcome.kind === 'token' && typeof outcome.token === 'string' && outcome.token.length > 0) {
        return { token: outcome.token, source: source.name, check: checks[i] }
      }
      if (outcome.kind === 'malformed') {
        throw new AuthError('invalid_request', typeof outcome.reason === 'string' ? outcome.reason : undefined)
      }
      throw new TypeError(`token source ${JSON.stringify(source.name)} returned an invalid outcome`)
    }
    return null
  }
}

let defaultResolver: Resolver | undefined
const resolvers = new WeakMap<ResolverOptions, Resolver>()

/**
 * Resolves the token of one request: `{ token, source }`, null when none is carried, or throws
 * `invalid_request`. Without options it uses the default order (cookie `hg_token`, bearer, auth
 * message); a resolver is built once per options object.
 */
export function resolveToken(view: RequestView, options?: ResolverOptions): ResolvedToken | null {
  if (options === undefined) return (defaultResolver ??= createResolver())(view)
  let resolve = resolvers.get(options)
  if (resolve === undefined) resolvers.set(options, (resolve = createResolver(options)))
  return resolve(view)
}

export { authMessageSource, parseAuthMessage } from './auth-message.js'
export { bearerSource, parseBearerCredentials } from './bearer.js'
export { cookieSource, isCompactJws } from './cookie.js'
export { querySource } from './query.js'
export { RESOLVER_DEFAULTS } from './options.js'
