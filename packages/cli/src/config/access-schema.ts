import { resolve } from 'node:path'
import { fail, mapping, optionalString, string, type ConfigPath } from './check.js'
import type { ConfigEnvironment } from './secrets.js'

/** Where the registry keeps its state: a SQLite file (default) or a Redis database shared by several gateways. */
export type AccessStoreConfig = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'redis'; readonly url: string }

/** Where the operator key is read from; it is never written in the config itself. */
export type OperatorKeySource = { readonly file: string } | { readonly env: string }

/** The `access:` block of hivegate.yml: the access registry that `hivegate serve` and `hivegate access` open. */
export interface AccessConfig {
  readonly store: AccessStoreConfig
  readonly operatorKey: OperatorKeySource
  /** The admin API and page, or false for none. */
  readonly admin: { readonly path: string; readonly realm: string } | false
  /** `wait`: listen once the whole state is loaded; `fail-closed`: listen at once, refusing static tokens until it is. */
  readonly startup: 'wait' | 'fail-closed'
  /** Path of the health endpoint (no credentials needed), or false for none. */
  readonly health: string | false
  /** `iss` of the static tokens the registry mints (one the gateway accepts). */
  readonly issuer: string
  readonly audience: string | string[] | undefined
}

/** Defaults of the `access:` block. */
export const ACCESS_CONFIG_DEFAULTS = Object.freeze({
  store: 'hivegate-access.db',
  adminPath: '/hivegate/access',
  realm: 'hivegate',
  startup: 'wait',
  health: '/hivegate/health',
})

const PATH_RULE = /^(\/[A-Za-z0-9._~-]+)+$/

function urlPath(value: unknown, path: ConfigPath, fallback: string): string | false {
  if (value === false) return false
  const text = optionalString(value, path) ?? fallback
  if (!PATH_RULE.test(text)) fail(path, 'must be a path such as /hivegate/access (letters, digits and ._~- between slashes), or false')
  return text
}

function store(value: unknown, where: ConfigEnvironment): AccessStoreConfig {
  let path: ConfigPath = ['access', 'store']
  let fromEnv = false
  if (typeof value === 'object' && value !== null) {
    // A Redis URL with a password comes from the environment: a config file is committed and shared.
    const name = string(mapping(value, path, ['env']).env, [...path, 'env'])
    value = where.env[name]
    path = [...path, 'env']
    if (value === undefined || value === '') fail(path, `environment variable ${name} is not set`)
    fromEnv = true
  }
  const text = optionalString(value, path) ?? ACCESS_CONFIG_DEFAULTS.store
  if (!/^rediss?:/i.test(text)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) fail(path, 'must be a SQLite file path or a redis:// or rediss:// URL')
    return { kind: 'sqlite', path: resolve(where.baseDir, text) }
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    fail(path, 'must be a URL such as redis://127.0.0.1:6379/0')
  }
  // A password in the URL would be a secret written in a committed file.
  if (!fromEnv && (url.password !== '' || url.username !== '')) fail(path, 'must not hold credentials; give the whole URL as { env: <NAME> } instead')
  if (url.hostname === '') fail(path, 'must name a host, e.g. redis://127.0.0.1:6379/0')
  if (!/^(\/\d{0,2})?$/.test(url.pathname)) fail(path, 'must end in a database number, e.g. redis://127.0.0.1:6379/0')
  return { kind: 'redis', url: text }
}

function operatorKey(value: unknown): OperatorKeySource {
  const path: ConfigPath = ['access', 'operatorKey']
  if (value === undefined) fail(['access'], 'needs "operatorKey": { file: <path> } or { env: <NAME> } ("hivegate access init" creates the key)')
  if (typeof value === 'string') fail(path, 'must be { file: <path> } or { env: <NAME> }; the key is never written inline in the config')
  const source = mapping(value, path, ['file', 'env'])
  if ((source.file === undefined) === (source.env === undefined)) fail(path, 'must have exactly one of "file" and "env"')
  if (source.env !== undefined) {
    const name = string(source.env, [...path, 'env'])
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail([...path, 'env'], 'must be an environment variable name')
    return { env: name }
  }
  return { file: string(source.file, [...path, 'file']) }
}

/**
 * Checks the `access:` block; `auth` gives the issuer and audience its static tokens carry unless
 * the block names them. File paths stay relative to the config file's directory.
 */
export function toAccessConfig(value: unknown, auth: { issuer?: unknown; audience?: unknown }, where: ConfigEnvironment): AccessConfig {
  const block = mapping(value, ['access'], ['store', 'operatorKey', 'admin', 'startup', 'health', 'issuer'])
  const startup = block.startup ?? ACCESS_CONFIG_DEFAULTS.startup
  if (startup !== 'wait' && startup !== 'fail-closed') fail(['access', 'startup'], 'must be "wait" or "fail-closed"')
  let admin: AccessConfig['admin']
  if (block.admin === false) admin = false
  else {
    const a = mapping(block.admin ?? {}, ['access', 'admin'], ['path', 'realm'])
    const realm = optionalString(a.realm, ['access', 'admin', 'realm']) ?? ACCESS_CONFIG_DEFAULTS.realm
    if (/\s/.test(realm) || realm.length > 100) fail(['access', 'admin', 'realm'], 'must be 1 to 100 characters without spaces')
    admin = { path: urlPath(a.path, ['access', 'admin', 'path'], ACCESS_CONFIG_DEFAULTS.adminPath) as string, realm }
  }
  const issuers = typeof auth.issuer === 'string' ? [auth.issuer] : Array.isArray(auth.issuer) ? (auth.issuer as unknown[]) : []
  const issuer = optionalString(block.issuer, ['access', 'issuer']) ?? issuers[0]
  if (typeof issuer !== 'string' || issuer === '') fail(['auth'], 'needs "issuer"')
  if (!issuers.includes(issuer)) fail(['access', 'issuer'], 'must be one of auth.issuer, or the gateway would refuse the tokens it mints')
  const audience = auth.audience as string | string[] | undefined
  return {
    store: store(block.store, where),
    operatorKey: operatorKey(block.operatorKey),
    admin,
    startup,
    health: urlPath(block.health, ['access', 'health'], ACCESS_CONFIG_DEFAULTS.health),
    issuer,
    audience,
  }
}
