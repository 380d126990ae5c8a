import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { LineCounter, parseDocument, type Document } from 'yaml'
import { CliError } from '../io.js'
import { ConfigProblem, pathText, type ConfigPath } from './check.js'
import { toAccessOnlyConfig, toServeConfig, type ServeConfig } from './schema.js'
import type { AccessConfig } from './access-schema.js'

/** Largest config file read, bytes. */
export const MAX_CONFIG_SIZE = 1024 * 1024

/** Largest number of YAML alias expansions (anchors are fine; an alias bomb is refused). */
export const MAX_ALIAS_COUNT = 100

/** A loaded config and a way to point at any of its keys. */
export interface LoadedConfig<C = ServeConfig> {
  readonly file: string
  /** Directory of the config file: relative paths in it are resolved against it. */
  readonly baseDir: string
  readonly config: C
  /** Problems that do not stop the gateway, to print on stderr (e.g. a secret file other users can read). */
  readonly warnings: readonly string[]
  /** A `file:line:col: key: message` error for a problem found later (e.g. when the gateway is built). */
  errorAt(path: ConfigPath, message: string): CliError
  /** Like {@link errorAt}, for a constructor's error naming an option as `"name"`. */
  errorFromOption(err: Error): CliError
}

function lineOf(doc: Document, counter: LineCounter, path: ConfigPath): string {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true)
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range
    if (range !== undefined) {
      const { line, col } = counter.linePos(range[0])
      return `${line}:${col}`
    }
  }
  return '1:1'
}

function parsePath(text: string): (string | number)[] {
  return text.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '').map((p) => (/^\d+$/.test(p) ? Number(p) : p))
}

/**
 * Reads and validates a `hivegate.yml`. Every problem is a CliError that names the key and its
 * line, e.g. `hivegate.yml:7:12: auth.clockTolerance: must be a duration ...`.
 */
export function loadConfig(file: string, env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): LoadedConfig {
  return readConfig(file, env, cwd, toServeConfig)
}

/** Like {@link loadConfig}, checking only the `access:` block (what the `hivegate access` commands need). */
export function loadAccessConfig(file: string, env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): LoadedConfig<AccessConfig> {
  return readConfig(file, env, cwd, toAccessOnlyConfig)
}

type Interpret<C> = (raw: unknown, where: { baseDir: string; env: Readonly<Record<string, string | undefined>>; warnings: string[] }) => C

function readConfig<C>(file: string, env: Readonly<Record<string, string | undefined>>, cwd: string, interpret: Interpret<C>): LoadedConfig<C> {
  const path = resolve(cwd, file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new CliError(`cannot read config ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  if (Buffer.byteLength(text) > MAX_CONFIG_SIZE) throw new CliError(`config ${file} is larger than ${MAX_CONFIG_SIZE} bytes`)
  const counter = new LineCounter()
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true })
  const syntax = doc.errors[0]
  if (syntax !== undefined) {
    const { line, col } = counter.linePos(syntax.pos[0])
    throw new CliError(`${file}:${line}:${col}: invalid YAML: ${syntax.message.split('\n')[0]}`)
  }
  const errorAt = (at: ConfigPath, message: string): CliError =>
    new CliError(`${file}:${lineOf(doc, counter, at)}: ${at.length === 0 ? '(top level)' : pathText(at)}: ${message}`)
  let raw: unknown
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch {
    // yaml refuses alias expansion past maxAliasCount ("billion laughs") with a bare Error.
    throw new CliError(`${file}: too many YAML aliases (more than ${MAX_ALIAS_COUNT} expansions); a config needs none`)
  }
  const warnings: string[] = []
  let config: C
  try {
    config = interpret(raw, { baseDir: dirname(path), env, warnings })
  } catch (err) {
    if (err instanceof ConfigProblem) throw errorAt(err.path, err.message)
    throw err
  }
  return {
    file,
    baseDir: dirname(path),
    config,
    warnings: warnings.map((w) => `${file}: ${w}`),
    errorAt,
    errorFromOption(err) {
      const named = /"([^"]+)"/.exec(err.message)?.[1]
      if (named !== undefined) {
        const p = parsePath(named)
        const prefixes: ConfigPath[] = [[], ['auth'], ['upstream'], ['limits'], ['auth', 'secrets'], ['auth', 'publicKeys'], ['access']]
        // The gateway names "websocket.x" and "keys.secrets.x"; the config calls them limits.x and auth.secrets.x.
        const tail = p[0] === 'websocket' || p[0] === 'keys' ? p.slice(1) : p
        for (const prefix of prefixes) {
          const candidate = [...prefix, ...tail]
          if (doc.hasIn(candidate)) return errorAt(candidate, err.message.replace(/^"[^"]+" /, ''))
        }
      }
      return new CliError(`${file}: ${err.message}`)
    },
  }
}
