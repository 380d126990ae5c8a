import { optionTypeError } from './options.js'
import type { RequestView } from './request-view.js'

// Origin schemes a TLS request accepts under the default rule; `ws`/`wss` come from non-browser clients.
const SECURE_SCHEMES: ReadonlySet<string> = new Set(['https:', 'wss:'])
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' }

function singleHeader(view: RequestView, name: string): string | undefined {
  const value = view.headers[name]
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/** The serialized origin of a URL (`scheme://host[:port]`), or undefined when it has none. */
function originOf(text: string): URL | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  return url.origin === 'null' ? undefined : url
}

/**
 * The request's origin: the `Origin` header, else the origin of `Referer`. `Origin: null` (sandboxed
 * frames, privacy redirects, file: pages) and unparseable values give undefined.
 */
export function requestOrigin(view: RequestView): URL | undefined {
  const origin = singleHeader(view, 'origin')
  if (origin !== undefined) return originOf(origin)
  const referer = singleHeader(view, 'referer')
  return referer === undefined ? undefined : originOf(referer)
}

/** What the origin check reads of an origin. */
interface OriginParts {
  readonly origin: string
  readonly protocol: string
  readonly hostname: string
  readonly port: string
  /** Remembered answers of {@link matchesHost}, by `Host` value. */
  hosts?: Map<string, boolean>
}

/** Same host as the `Host` header, comparing ports with the scheme's default filled in. */
function matchesHost(origin: OriginParts, host: string): boolean {
  const hostUrl = originOf(`${origin.protocol}//${host}`)
  if (hostUrl === undefined || hostUrl.username !== '' || hostUrl.pathname !== '/' || hostUrl.search !== '' || hostUrl.hash !== '') return false
  const defaultPort = DEFAULT_PORTS[origin.protocol]
  return hostUrl.hostname === origin.hostname && (hostUrl.port || defaultPort) === (origin.port || defaultPort)
}

// Parsing a URL costs more than the rest of a cached authentication; browsers send a few distinct
// Origin and Host values, so short ones are remembered in small maps, cleared when full.
const REMEMBERED_MAX = 256
const REMEMBERED_HOSTS_MAX = 16
const REMEMBERED_LENGTH_MAX = 256
const rememberedOrigins = new Map<string, OriginParts | null>()

function partsOf(text: string): OriginParts | null {
  const url = originOf(text)
  return url === undefined ? null : { origin: url.origin, protocol: url.protocol, hostname: url.hostname, port: url.port }
}

function requestOriginParts(view: RequestView): OriginParts | null {
  const origin = singleHeader(view, 'origin')
  if (origin === undefined) {
    const referer = singleHeader(view, 'referer')
    return referer === undefined ? null : partsOf(referer)
  }
  if (origin.length > REMEMBERED_LENGTH_MAX) return partsOf(origin)
  let parts = rememberedOrigins.get(origin)
  if (parts === undefined) {
    parts = partsOf(origin)
    if (rememberedOrigins.size >= REMEMBERED_MAX) rememberedOrigins.clear()
    rememberedOrigins.set(origin, parts)
  }
  return parts
}

function matchesHostRemembered(origin: OriginParts, host: string): boolean {
  if (host.length > REMEMBERED_LENGTH_MAX) return matchesHost(origin, host)
  const hosts = (origin.hosts ??= new Map())
  let same = hosts.get(host)
  if (same === undefined) {
    same = matchesHost(origin, host)
    if (hosts.size >= REMEMBERED_HOSTS_MAX) hosts.clear()
    hosts.set(host, same)
  }
  return same
}

const normalizedLists = new WeakMap<readonly string[], ReadonlySet<string>>()

function normalizedOrigins(list: readonly string[]): ReadonlySet<string> {
  let set = normalizedLists.get(list)
  if (set === undefined) {
    set = new Set(list.map((entry) => originOf(entry)?.origin).filter((o): o is string => o !== undefined))
    normalizedLists.set(list, set)
  }
  return set
}

/**
 * Validates an `allowedOrigins` option once: an array of origins (`https://app.example`, no path)
 * or a predicate. Throws a TypeError naming `option` otherwise.
 */
export function assertOriginRule(option: string, rule: unknown): asserts rule is OriginRule | undefined {
  if (rule === undefined || typeof rule === 'function') return
  if (!Array.isArray(rule)) throw optionTypeError(option, 'an array of origins or a function', rule)
  rule.forEach((entry: unknown, i) => {
    const url = typeof entry === 'string' ? originOf(entry) : undefined
    if (url === undefined || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      throw new TypeError(`"${option}[${i}]" must be an origin such as "https://app.example" (scheme, host and optional port only)`)
    }
  })
}

/**
 * Is the request's origin allowed to use the cookie for an unsafe method or a WebSocket upgrade?
 * Reads `Origin`, else the origin of `Referer`. With no rule, the origin's host and port must equal
 * the `Host` header and, when the view says the request came over TLS (`protocol: 'https'`), the
 * origin's scheme must be `https`: a page a network attacker injects at `http://` the same host is
 * not the site. An `https` origin against an `'http'` (or unknown) request passes, as before: that
 * is a TLS-terminating proxy the host was not told to trust, and no attacker serves the `https`
 * page of the site itself. An array lists the allowed origins exactly; a function decides from the
 * serialized origin. `Origin: null`, and a request carrying neither header, are never allowed:
 * every browser sends `Origin` on unsafe methods and on WebSocket handshakes, so a request without
 * it either comes from a client that need not use the cookie (it can send `Authorization: Bearer`)
 * or from an old browser whose `Referer` a cross-site page can suppress.
 *
 * @example
 * ```ts
 * isOriginAllowed({ headers: { host: 'api.example', origin: 'https://api.example' } }, undefined) // true
 * isOriginAllowed({ headers: { host: 'api.example', origin: 'http://api.example' }, protocol: 'https' }, undefined) // false
 * isOriginAllowed(view, ['https://app.example'])
 * ```
 */
export function isOriginAllowed(view: RequestView, rule: OriginRule | undefined): boolean {
  const origin = requestOriginParts(view)
  if (origin === null) return false
  if (rule === undefined) {
    if (view.protocol === 'https' && !SECURE_SCHEMES.has(origin.protocol)) return false
    // HTTP/2 requests may carry `:authority` instead of `Host` (RFC 9113 §8.3.1).
    const host = singleHeader(view, 'host') ?? singleHeader(view, ':authority')
    return host !== undefined && matchesHostRemembered(origin, host)
  }
  if (typeof rule === 'function') return rule(origin.origin) === true
  return normalizedOrigins(rule).has(origin.origin)
}

/** Who may send cookie-authenticated unsafe requests: exact origins, or a predicate. */
export type OriginRule = readonly string[] | ((origin: string) => boolean)
