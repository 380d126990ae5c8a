import { parseDuration } from '@hivegate/core'
import { CONFIG_CAPS, type CappedKey } from './caps.js'

/** A key path in the config document, e.g. `['routes', 0, 'path']`. */
export type ConfigPath = readonly (string | number)[]

/** `routes[0].path`-style text for a path. */
export function pathText(path: ConfigPath): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? key : `${text}.${key}`), '')
}

/** Thrown for the first problem found; `path` is mapped to a line by the loader. */
export class ConfigProblem extends Error {
  constructor(
    readonly path: ConfigPath,
    message: string,
  ) {
    super(message)
  }
}

/** Throws a {@link ConfigProblem} at `path`. */
function fail(path: ConfigPath, message: string): never {
  throw new ConfigProblem(path, message)
}

/** A mapping with only `keys`; an unknown key (a typo, usually) is an error at that key. */
export function mapping(value: unknown, path: ConfigPath, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be a mapping')
  for (const key of Object.keys(value)) if (!keys.includes(key)) fail([...path, key], `is not a known key (expected one of: ${keys.join(', ')})`)
  return value as Record<string, unknown>
}

/** A non-empty string. */
export function string(value: unknown, path: ConfigPath): string {
  if (typeof value !== 'string' || value === '') fail(path, 'must be a non-empty string')
  return value
}

/** A non-empty string, or absent. */
export function optionalString(value: unknown, path: ConfigPath): string | undefined {
  return value === undefined ? undefined : string(value, path)
}

/** A string or a list of strings, or absent. */
export function stringOrList(value: unknown, path: ConfigPath): string | string[] | undefined {
  if (value === undefined) return undefined
  if (Array.isArray(value)) return value.map((v, i) => string(v, [...path, i]))
  return string(value, path)
}

/** A list of non-empty strings, or absent. */
export function stringList(value: unknown, path: ConfigPath): string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) fail(path, 'must be a list of strings')
  return value.map((v, i) => string(v, [...path, i]))
}

/** true or false, or absent. */
export function boolean(value: unknown, path: ConfigPath): boolean | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'boolean') fail(path, 'must be true or false')
  return value
}

/** A positive integer, or absent. */
export function positiveInteger(value: unknown, path: ConfigPath): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) fail(path, 'must be a positive integer')
  return value
}

/** A port number (0 to 65535), or absent. */
export function port(value: unknown, path: ConfigPath): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 65535) fail(path, 'must be a port number from 0 to 65535')
  return value
}

/** A duration as `30s`, `15m`, `1h`, `30d` or whole seconds; returned in seconds. */
export function durationSeconds(value: unknown, path: ConfigPath): number | undefined {
  if (value === undefined) return undefined
  try {
    return parseDuration(value as string | number, pathText(path))
  } catch {
    fail(path, "must be a duration such as '30s', '15m', '1h' or a number of seconds")
  }
}

// A capped reader used on a key the table lacks would let any value through: fail loudly instead.
function capOf(path: ConfigPath): number {
  const key = pathText(path)
  if (!Object.hasOwn(CONFIG_CAPS, key)) throw new Error(`hivegate.yml: "${key}" is read as a capped value but has no entry in CONFIG_CAPS`)
  return CONFIG_CAPS[key as CappedKey]
}

/** A positive integer up to the key's entry in {@link CONFIG_CAPS}, or absent. */
export function cappedInteger(value: unknown, path: ConfigPath): number | undefined {
  const n = positiveInteger(value, path)
  const max = capOf(path)
  if (n !== undefined && n > max) fail(path, `must be a positive integer up to ${max}`)
  return n
}

/** A duration (in seconds) up to the key's entry in {@link CONFIG_CAPS}, or absent. */
export function cappedSeconds(value: unknown, path: ConfigPath): number | undefined {
  const s = durationSeconds(value, path)
  const max = capOf(path)
  if (s !== undefined && s > max) fail(path, `must be at most ${max}s`)
  return s
}

export { fail }
