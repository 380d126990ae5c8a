import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { exposedSecretWarning } from '../file-mode.js'
import { fail, mapping, pathText, string, type ConfigPath } from './check.js'

/** Where the loader finds files (relative to the config file) and environment variables. */
export interface ConfigEnvironment {
  baseDir: string
  env: Readonly<Record<string, string | undefined>>
  /** Collects problems that do not stop the gateway (e.g. a secret file other users can read). */
  warnings?: string[]
}

/** Reads a file named in the config; the error names the key and the file, never the content. */
export function configFile(value: unknown, path: ConfigPath, where: ConfigEnvironment): string {
  const name = string(value, path)
  try {
    return readFileSync(resolve(where.baseDir, name), 'utf8')
  } catch (err) {
    fail(path, `cannot read ${name} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
}

/**
 * A secret given as `{ file: path }` or `{ env: NAME }`. Inline values are refused: config files
 * are committed and shared, secrets must not be.
 */
export function secretValue(value: unknown, path: ConfigPath, where: ConfigEnvironment): string {
  if (typeof value === 'string') fail(path, 'must be { file: <path> } or { env: <NAME> }; secrets are never written inline in the config')
  const source = mapping(value, path, ['file', 'env'])
  if ((source.file === undefined) === (source.env === undefined)) fail(path, 'must have exactly one of "file" and "env"')
  if (source.file !== undefined) {
    const text = configFile(source.file, [...path, 'file'], where).replace(/\r?\n$/, '')
    const file = resolve(where.baseDir, String(source.file))
    const warning = exposedSecretWarning(file, file)
    if (warning !== undefined) where.warnings?.push(`${pathText([...path, 'file'])}: ${warning}`)
    return text
  }
  const name = string(source.env, [...path, 'env'])
  const secret = where.env[name]
  if (secret === undefined || secret === '') fail([...path, 'env'], `environment variable ${name} is not set`)
  return secret
}

/** `{ kid: source }` → `{ kid: value }` through `read`. */
export function byKid<T>(value: unknown, path: ConfigPath, read: (v: unknown, p: ConfigPath) => T): Record<string, T> | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be a mapping of key id to source')
  const out: Record<string, T> = {}
  for (const [kid, source] of Object.entries(value)) out[kid] = read(source, [...path, kid])
  return out
}
