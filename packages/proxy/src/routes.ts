import { AuthError, compileRequirement, type AuthenticationRequirement, type CompiledRequirement } from '@hivegate/core'

/**
 * One per-route rule. `path` segments are literals, `:name` (one segment, captured) or `*` (one
 * segment; as the last segment, any number of segments including none). A value in `permission`
 * or `dataProvider` may name a captured segment as `:name`, alone or inside a pattern
 * (`'rides/:id'`); every other value is literal.
 *
 * @example
 * ```ts
 * const routes: RouteRule[] = [
 *   { path: '/health', public: true },
 *   { path: '/realms/:realm/*', permission: [':realm', '*', 'R'] },
 *   { path: '/realms/:realm/rides/:id', methods: ['PUT'], permission: [':realm', 'deliveryRides/:id', 'U'] },
 * ]
 * ```
 */
export interface RouteRule {
  path: string
  /** Methods the rule applies to (any when omitted), e.g. `['GET', 'HEAD']`. */
  methods?: readonly string[]
  /** No authentication at all; identity headers are not sent (spoofed ones are still removed). */
  public?: boolean
  /** `[realm, object, action]` the token's `per` must grant. */
  permission?: readonly [string, string, string]
  /** `[realm, object]` the token's `dpv` must list. */
  dataProvider?: readonly [string, string]
  /** RFC 9470 step-up: the token's `acr` among `acrValues` and/or `auth_time` at most `maxAge` ago. */
  authentication?: AuthenticationRequirement
}

/** A rule compiled for matching. */
export interface CompiledRoute {
  readonly rule: RouteRule
  readonly segments: readonly string[]
  readonly methods: ReadonlySet<string> | undefined
  readonly authentication: CompiledRequirement | undefined
}

/** What matched: the rule (if any) and its captured parameters. */
export interface RouteMatch {
  readonly rule: RouteRule | undefined
  readonly params: Readonly<Record<string, string>>
  /** The matched rule's step-up requirement, compiled. */
  readonly authentication?: CompiledRequirement | undefined
}

const PARAM = /:([A-Za-z_][A-Za-z0-9_]*)/g
const SEGMENT_PARAM = /^:[A-Za-z_][A-Za-z0-9_]*$/

function referencedParams(value: string): string[] {
  return [...value.matchAll(PARAM)].map((m) => m[1]!)
}

/** Validates and compiles `routes`; a programmer error throws a TypeError naming the rule. */
export function compileRoutes(routes: readonly RouteRule[] | undefined): CompiledRoute[] {
  if (routes === undefined) return []
  if (!Array.isArray(routes)) throw new TypeError('"routes" must be an array of rules')
  return routes.map((rule, i) => {
    const at = `"routes[${i}]`
    if (typeof rule !== 'object' || rule === null) throw new TypeError(`${at}" must be an object`)
    if (typeof rule.path !== 'string' || !rule.path.startsWith('/')) throw new TypeError(`${at}.path" must be a string starting with "/"`)
    const segments: string[] = String(rule.path).split('/').slice(1)
    const names = new Set<string>()
    segments.forEach((s: string, j: number) => {
      if (s === '*' || s === '' && j === segments.length - 1) return
      if (SEGMENT_PARAM.test(s)) {
        if (names.has(s.slice(1))) throw new TypeError(`${at}.path" names ":${s.slice(1)}" twice`)
        names.add(s.slice(1))
      } else if (s === '' || s.includes(':') || s.includes('*')) {
        throw new TypeError(`${at}.path" has an invalid segment "${s}"`)
      }
    })
    if (rule.public !== undefined && typeof rule.public !== 'boolean') throw new TypeError(`${at}.public" must be a boolean`)
    if (rule.public === true && (rule.permission !== undefined || rule.dataProvider !== undefined || rule.authentication !== undefined)) {
      throw new TypeError(`${at}" is public and cannot require a permission`)
    }
    const checkTuple = (key: 'permission' | 'dataProvider', length: number): void => {
      const value = rule[key]
      if (value === undefined) return
      if (!Array.isArray(value) || value.length !== length || !value.every((v) => typeof v === 'string' && v !== '')) {
        throw new TypeError(`${at}.${key}" must be ${length} non-empty strings`)
      }
      for (const v of value) {
        for (const name of referencedParams(v)) {
          if (!names.has(name)) throw new TypeError(`${at}.${key}" references ":${name}", which the path does not capture`)
        }
      }
    }
    checkTuple('permission', 3)
    checkTuple('dataProvider', 2)
    if (rule.permission !== undefined && !/^[CRUD]+$/.test(rule.permission[2])) {
      throw new TypeError(`${at}.permission" action must be letters among C, R, U, D`)
    }
    let methods: Set<string> | undefined
    if (rule.methods !== undefined) {
      if (!Array.isArray(rule.methods) || rule.methods.length === 0 || !rule.methods.every((m: unknown) => typeof m === 'string' && /^[A-Za-z]+$/.test(m))) {
        throw new TypeError(`${at}.methods" must be a non-empty array of HTTP methods`)
      }
      methods = new Set((rule.methods as string[]).map((m) => m.toUpperCase()))
    }
    const authentication = rule.authentication === undefined ? undefined : compileRequirement(rule.authentication, `routes[${i}].authentication`)
    return { rule, segments: segments.map((s: string) => (SEGMENT_PARAM.test(s) ? s : s.toLowerCase())), methods, authentication }
  })
}

const BAD_PATH = 'The request path is not acceptable'

/**
 * Splits a request target into decoded path segments. Paths an upstream could read differently
 * from the gateway (dot segments, encoded slashes or backslashes, empty segments, `;` path
 * parameters) are refused with `invalid_request` rather than normalised.
 */
export function pathSegments(url: string | undefined): string[] {
  const target = url ?? '/'
  const path = target.split(/[?#]/, 1)[0]!
  if (!path.startsWith('/')) throw new AuthError('invalid_request', BAD_PATH)
  // Tomcat, Jetty and Spring drop `;params` from each segment: `/admin;x/users` is their `/admin/users`.
  if (path.includes(';')) throw new AuthError('invalid_request', BAD_PATH)
  const raw = path.split('/').slice(1)
  return raw.map((segment, i) => {
    if (segment === '' && i !== raw.length - 1) throw new AuthError('invalid_request', BAD_PATH)
    let decoded: string
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      throw new AuthError('invalid_request', BAD_PATH)
    }
    if (decoded === '.' || decoded === '..' || /[/\\\0]/.test(decoded)) throw new AuthError('invalid_request', BAD_PATH)
    return decoded
  })
}

function matchSegments(pattern: readonly string[], path: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!
    const last = i === pattern.length - 1
    if (p === '*' && last) return params
    const s = path[i]
    if (p === '' && last) return s === undefined || (s === '' && i === path.length - 1) ? params : undefined
    if (s === undefined || s === '') return undefined
    if (p === '*') continue
    if (p.startsWith(':')) params[p.slice(1)] = s
    else if (p !== s.toLowerCase()) return undefined
  }
  const rest = path.slice(pattern.length)
  return rest.length === 0 || (rest.length === 1 && rest[0] === '') ? params : undefined
}

/**
 * The first rule matching `method` and `url` (literals compare case-insensitively, since many
 * upstream routers do), or no rule. Throws `invalid_request` for an ambiguous path.
 */
export function matchRoute(routes: readonly CompiledRoute[], method: string | undefined, url: string | undefined): RouteMatch {
  const segments = pathSegments(url)
  const verb = (method ?? 'GET').toUpperCase()
  for (const route of routes) {
    if (route.methods !== undefined && !route.methods.has(verb)) continue
    const params = matchSegments(route.segments, segments)
    if (params !== undefined) return { rule: route.rule, params, authentication: route.authentication }
  }
  return { rule: undefined, params: {} }
}

/** Replaces each `:name` in `value` with the captured parameter. */
export function fillParams(value: string, params: Readonly<Record<string, string>>): string {
  return value.replace(PARAM, (whole, name: string) => params[name] ?? whole)
}
