import type { AuthenticatorOptions, BuiltInSourceName, KeySetOptions } from '@hivegate/core'
import type { GatewayOptions, RouteRule } from '@hivegate/proxy'
import {
  boolean, cappedInteger, cappedSeconds, durationSeconds, fail, mapping, optionalString, port, string, stringList, stringOrList, type ConfigPath,
} from './check.js'
import { byKid, configFile, secretValue, type ConfigEnvironment } from './secrets.js'
import { toAccessConfig, type AccessConfig } from './access-schema.js'
import { dpopOptions } from './dpop-schema.js'

/** The gateway a config file describes: always built from its `auth` block. */
export type ConfiguredGateway = GatewayOptions & { auth: AuthenticatorOptions }

/** What `hivegate serve` runs: the gateway options, where to listen, and the access registry. */
export interface ServeConfig {
  gateway: ConfiguredGateway
  listen: { host: string; port: number }
  /** The `access:` block, when there is one. */
  access?: AccessConfig
}

const ROOT_KEYS = ['listen', 'upstream', 'auth', 'identityHeaders', 'stripCredentials', 'preflight', 'upstreamAuthCookie', 'routes', 'limits', 'access']
/** Where `serve` listens when the config does not say. */
export const LISTEN_DEFAULTS = Object.freeze({ host: '127.0.0.1', port: 8080 })
const SOURCES: readonly BuiltInSourceName[] = ['cookie', 'bearer', 'authMessage', 'query']

function keys(auth: Record<string, unknown>, where: ConfigEnvironment, registry: boolean): KeySetOptions {
  const set: KeySetOptions = {}
  const secrets = byKid(auth.secrets, ['auth', 'secrets'], (v, p) => secretValue(v, p, where))
  if (secrets !== undefined) set.secrets = secrets
  const publicKeys = byKid(auth.publicKeys, ['auth', 'publicKeys'], (v, p) => configFile(mapping(v, p, ['file']).file, [...p, 'file'], where))
  if (publicKeys !== undefined) set.publicKeys = publicKeys
  if (auth.jwks !== undefined) {
    if (typeof auth.jwks === 'string') set.jwks = auth.jwks
    else {
      const jwks = mapping(auth.jwks, ['auth', 'jwks'], ['url', 'allowHttp'])
      set.jwks = { url: string(jwks.url, ['auth', 'jwks', 'url']), allowHttp: boolean(jwks.allowHttp, ['auth', 'jwks', 'allowHttp']) ?? false }
    }
  }
  if (auth.localJwks !== undefined) {
    const path = ['auth', 'localJwks', 'file']
    const text = configFile(mapping(auth.localJwks, ['auth', 'localJwks'], ['file']).file, path, where)
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      fail(path, 'is not a JSON file')
    }
    if (!Array.isArray((parsed as { keys?: unknown } | null)?.keys)) fail(path, 'must hold a JWKS: {"keys": [...]}')
    set.localJwks = parsed as { keys: [] }
  }
  if (Object.keys(set).length === 0 && !registry) fail(['auth'], 'needs at least one of secrets, publicKeys, jwks, localJwks (or an "access" block)')
  return set
}

// Failure throttling in memory; `trustProxy` is a hop count (or true/false), as in core.
function throttle(value: unknown, path: ConfigPath): AuthenticatorOptions['throttle'] {
  if (value === undefined) return undefined
  if (value === false) return false
  const raw = mapping(value, path, ['maxFailures', 'window', 'trustProxy', 'maxKeys'])
  const out: NonNullable<Exclude<AuthenticatorOptions['throttle'], false>> = {}
  const maxFailures = cappedInteger(raw.maxFailures, [...path, 'maxFailures'])
  if (maxFailures !== undefined) out.maxFailures = maxFailures
  const window = cappedSeconds(raw.window, [...path, 'window'])
  if (window !== undefined) out.window = window
  const maxKeys = cappedInteger(raw.maxKeys, [...path, 'maxKeys'])
  if (maxKeys !== undefined) out.maxKeys = maxKeys
  if (raw.trustProxy !== undefined) {
    if (typeof raw.trustProxy !== 'boolean' && !(Number.isSafeInteger(raw.trustProxy) && (raw.trustProxy as number) >= 0)) {
      fail([...path, 'trustProxy'], 'must be true, false or a number of proxies')
    }
    out.trustProxy = raw.trustProxy as boolean | number
  }
  return out
}

type AuthField<K extends keyof AuthenticatorOptions> = (value: unknown, path: ConfigPath, where: ConfigEnvironment) => AuthenticatorOptions[K] | undefined

// The core authenticator options a config file may set, keyed by core's own names (the compiler
// checks each name and the type it reads), with how each is read from YAML.
const AUTH_FIELDS: { readonly [K in keyof AuthenticatorOptions]?: AuthField<K> } = {
  issuer: stringOrList,
  audience: stringOrList,
  cookieName: optionalString,
  sources: (value, path) => {
    const sources = stringList(value, path)
    sources?.forEach((s, i) => (SOURCES as string[]).includes(s) || fail([...path, i], `must be one of ${SOURCES.join(', ')}`))
    return sources as BuiltInSourceName[] | undefined
  },
  requiredClaims: stringList,
  clockTolerance: cappedSeconds,
  maxTokenAge: durationSeconds,
  maxTokenLength: cappedInteger,
  allowedOrigins: stringList,
  realm: optionalString,
  throttle,
  dpop: (value, _path, where) => dpopOptions(value, where),
}
// `keys` is written flat in a config file: its sources sit beside the options above.
const KEY_FIELDS = ['secrets', 'publicKeys', 'jwks', 'localJwks'] as const satisfies readonly (keyof KeySetOptions)[]
const AUTH_KEYS: readonly string[] = [...Object.keys(AUTH_FIELDS), ...KEY_FIELDS]

// With the access store on Redis, `serve` keeps throttle counters and spent DPoP proofs there, not in a bounded memory map.
function sharedInRedis(auth: AuthenticatorOptions, where: ConfigEnvironment): void {
  if (auth.throttle !== undefined && auth.throttle !== false && auth.throttle.maxKeys !== undefined) {
    fail(['auth', 'throttle', 'maxKeys'], 'bounds the in-memory counters only; with access.store on Redis the counters are kept in Redis (remove it)')
  }
  if (auth.dpop?.maxReplayEntries !== undefined) {
    fail(['auth', 'dpop', 'maxReplayEntries'], 'bounds the in-memory replay store only; with access.store on Redis spent proofs are kept in Redis (remove it)')
  }
  const nonce = auth.dpop?.mode === 'off' ? undefined : auth.dpop?.nonce
  if (nonce === true || (typeof nonce === 'object' && nonce.secret === undefined)) {
    where.warnings?.push("auth.dpop.nonce: warning: without a secret each gateway makes its own nonces and refuses the others' (give the gateways behind one name the same { secret })")
  }
}

function authOptions(value: unknown, where: ConfigEnvironment, registry: boolean): AuthenticatorOptions {
  const auth = mapping(value, ['auth'], AUTH_KEYS)
  const issuer = stringOrList(auth.issuer, ['auth', 'issuer'])
  if (issuer === undefined) fail(['auth'], 'needs "issuer"')
  const options: AuthenticatorOptions = { issuer, keys: keys(auth, where, registry) }
  for (const [key, read] of Object.entries(AUTH_FIELDS) as [keyof AuthenticatorOptions, AuthField<keyof AuthenticatorOptions>][]) {
    if (key === 'issuer') continue
    const value = read(auth[key], ['auth', key], where)
    if (value !== undefined) (options as Record<string, unknown>)[key] = value
  }
  return options
}

function routes(value: unknown): RouteRule[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) fail(['routes'], 'must be a list of rules')
  return value.map((raw, i) => {
    const at: ConfigPath = ['routes', i]
    const rule = mapping(raw, at, ['path', 'methods', 'public', 'permission', 'dataProvider', 'authentication'])
    const out: RouteRule = { path: string(rule.path, [...at, 'path']) }
    const methods = stringList(rule.methods, [...at, 'methods'])
    if (methods !== undefined) out.methods = methods
    const isPublic = boolean(rule.public, [...at, 'public'])
    if (isPublic !== undefined) out.public = isPublic
    const tuple = (key: 'permission' | 'dataProvider', length: number): string[] | undefined => {
      const list = stringList(rule[key], [...at, key])
      if (list !== undefined && list.length !== length) fail([...at, key], `must be a list of ${length} strings`)
      return list
    }
    const permission = tuple('permission', 3)
    if (permission !== undefined) out.permission = permission as [string, string, string]
    const dataProvider = tuple('dataProvider', 2)
    if (dataProvider !== undefined) out.dataProvider = dataProvider as [string, string]
    if (rule.authentication !== undefined) {
      const path: ConfigPath = [...at, 'authentication']
      const step = mapping(rule.authentication, path, ['acrValues', 'maxAge'])
      const authentication: NonNullable<RouteRule['authentication']> = {}
      const acrValues = stringList(step.acrValues, [...path, 'acrValues'])
      if (acrValues !== undefined) authentication.acrValues = acrValues
      const maxAge = durationSeconds(step.maxAge, [...path, 'maxAge'])
      if (maxAge !== undefined) authentication.maxAge = maxAge
      out.authentication = authentication
    }
    return out
  })
}

function ms(value: unknown, path: ConfigPath): number | undefined {
  const seconds = cappedSeconds(value, path)
  if (seconds === 0) fail(path, 'must be more than 0')
  return seconds === undefined ? undefined : seconds * 1000
}

/** Turns a parsed config document into gateway options; the first problem throws a ConfigProblem naming its key. */
export function toServeConfig(raw: unknown, where: ConfigEnvironment): ServeConfig {
  const root = mapping(raw ?? {}, [], ROOT_KEYS)
  const listen = mapping(root.listen ?? {}, ['listen'], ['host', 'port'])
  if (root.upstream === undefined) fail([], 'needs "upstream" with a "target" URL')
  const upstream = mapping(root.upstream, ['upstream'], ['target', 'timeout', 'changeOrigin'])
  const target = string(upstream.target, ['upstream', 'target'])
  if (!/^https?:\/\/[^/]/.test(target)) fail(['upstream', 'target'], 'must be an http:// or https:// URL')
  if (root.auth === undefined) fail([], 'needs "auth" with an issuer and keys')
  const gateway: ConfiguredGateway = { target, auth: authOptions(root.auth, where, root.access !== undefined) }
  const timeout = ms(upstream.timeout, ['upstream', 'timeout'])
  if (timeout !== undefined) gateway.timeout = timeout
  const changeOrigin = boolean(upstream.changeOrigin, ['upstream', 'changeOrigin'])
  if (changeOrigin !== undefined) gateway.changeOrigin = changeOrigin
  if (root.identityHeaders !== undefined) {
    const names = mapping(root.identityHeaders, ['identityHeaders'], ['subject', 'tenant', 'claims'])
    gateway.identityHeaders = {}
    for (const key of ['subject', 'tenant', 'claims'] as const) {
      const v = names[key]
      if (v === undefined) continue
      gateway.identityHeaders[key] = v === false ? false : string(v, ['identityHeaders', key])
    }
  }
  if (root.stripCredentials !== undefined) {
    const strip = root.stripCredentials
    if (typeof strip === 'boolean') gateway.stripCredentials = strip
    else {
      const s = mapping(strip, ['stripCredentials'], ['cookie', 'authorization', 'query'])
      gateway.stripCredentials = {
        cookie: boolean(s.cookie, ['stripCredentials', 'cookie']) ?? false,
        authorization: boolean(s.authorization, ['stripCredentials', 'authorization']) ?? false,
        query: boolean(s.query, ['stripCredentials', 'query']) ?? false,
      }
    }
  }
  if (root.preflight !== undefined) {
    if (root.preflight !== 'authenticate' && root.preflight !== 'pass') fail(['preflight'], 'must be "authenticate" or "pass"')
    gateway.preflight = root.preflight
  }
  if (root.upstreamAuthCookie !== undefined) {
    if (root.upstreamAuthCookie !== 'strip' && root.upstreamAuthCookie !== 'pass') fail(['upstreamAuthCookie'], 'must be "strip" or "pass"')
    gateway.upstreamAuthCookie = root.upstreamAuthCookie
  }
  const rules = routes(root.routes)
  if (rules !== undefined) gateway.routes = rules
  if (root.limits !== undefined) {
    const l = mapping(root.limits, ['limits'], [
      'maxHeaderSize', 'headersTimeout', 'requestTimeout', 'maxConnections', 'maxMessageSize', 'maxPendingBytes', 'maxRelays',
      'quarantineTimeout', 'maxAuthAttempts', 'maxQuarantined',
    ])
    const at = (k: string): ConfigPath => ['limits', k]
    const limits: NonNullable<GatewayOptions['limits']> = {}
    const put = (key: keyof typeof limits, v: number | undefined): void => { if (v !== undefined) limits[key] = v }
    put('maxHeaderSize', cappedInteger(l.maxHeaderSize, at('maxHeaderSize')))
    put('headersTimeout', ms(l.headersTimeout, at('headersTimeout')))
    put('requestTimeout', ms(l.requestTimeout, at('requestTimeout')))
    put('maxConnections', cappedInteger(l.maxConnections, at('maxConnections')))
    gateway.limits = limits
    const quarantine: Record<string, number> = {}
    const q = (key: string, v: number | undefined): void => { if (v !== undefined) quarantine[key] = v }
    q('quarantineTimeout', ms(l.quarantineTimeout, at('quarantineTimeout')))
    q('maxAuthAttempts', cappedInteger(l.maxAuthAttempts, at('maxAuthAttempts')))
    q('maxQuarantined', cappedInteger(l.maxQuarantined, at('maxQuarantined')))
    gateway.websocket = {
      quarantine,
      ...(l.maxMessageSize !== undefined && { maxMessageSize: cappedInteger(l.maxMessageSize, at('maxMessageSize'))! }),
      ...(l.maxPendingBytes !== undefined && { maxPendingBytes: cappedInteger(l.maxPendingBytes, at('maxPendingBytes'))! }),
      ...(l.maxRelays !== undefined && { maxRelays: cappedInteger(l.maxRelays, at('maxRelays'))! }),
    }
  }
  const access = root.access === undefined ? undefined : toAccessConfig(root.access, gateway.auth, where)
  if (access?.store.kind === 'redis') sharedInRedis(gateway.auth, where)
  return {
    gateway,
    ...(access !== undefined && { access }),
    listen: { host: optionalString(listen.host, ['listen', 'host']) ?? LISTEN_DEFAULTS.host, port: port(listen.port, ['listen', 'port']) ?? LISTEN_DEFAULTS.port },
  }
}

/**
 * Only the `access:` block (and the issuer and audience it signs for), for the `hivegate access`
 * commands: they need neither the upstream nor the gateway's own secrets.
 */
export function toAccessOnlyConfig(raw: unknown, where: ConfigEnvironment): AccessConfig {
  const root = mapping(raw ?? {}, [], ROOT_KEYS)
  if (root.access === undefined) fail([], 'needs an "access" block for the access commands (see the @hivegate/cli README)')
  if (root.auth === undefined) fail([], 'needs "auth" with an issuer')
  const auth = mapping(root.auth, ['auth'], AUTH_KEYS)
  const issuer = stringOrList(auth.issuer, ['auth', 'issuer'])
  if (issuer === undefined) fail(['auth'], 'needs "issuer"')
  return toAccessConfig(root.access, { issuer, audience: stringOrList(auth.audience, ['auth', 'audience']) }, where)
}
