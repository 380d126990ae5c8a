import { userInfo } from 'node:os'
import { AccessError, type AccessRegistry } from '@hivegate/access'
import { parse, required } from '../args.js'
import { loadAccessConfig, type LoadedConfig } from '../config/load-config.js'
import type { AccessConfig } from '../config/access-schema.js'
import { CliError, USAGE, type Io } from '../io.js'
import { accessProblem, openAccess } from '../open-access.js'

type OptionSpec = Parameters<typeof parse>[1]

/** Options every `hivegate access` command takes. */
export const ACCESS_OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  actor: { type: 'string' },
} as const

/** The help lines of {@link ACCESS_OPTIONS}. */
export const ACCESS_OPTIONS_HELP = `  --config <file>  hivegate.yml with an "access:" block (the one "hivegate serve" reads). Required.
  --json           Print JSON for scripts instead of a table.
  --actor <name>   Who is recorded in the audit trail. Default: cli:<login name>.
  -h, --help       Show this help.`

/** What a command's body receives. */
export interface AccessCommandContext<V> {
  readonly values: V
  readonly positionals: string[]
  readonly registry: AccessRegistry
  readonly actor: string
  readonly json: boolean
  readonly loaded: LoadedConfig<AccessConfig>
}

// The registry names its input fields; the user knows the flags.
const FLAG_OF: Readonly<Record<string, string>> = { expiresIn: '--expires-in', id: '<id>', kid: '--kid', alg: '--alg', name: '--name', sub: '--sub', tnd: '--tnd', jti: '--jti', per: '--per', dpv: '--dpv' }

/** A CliError for a refused access operation: the field as its flag, bad input as a usage error. */
export function cliErrorOf(err: AccessError): CliError {
  if (err.code !== 'invalid_input' && err.code !== 'not_found') return new CliError(accessProblem(err))
  const message = err.message.replace(/"(\w+)"/g, (whole, name: string) => FLAG_OF[name] ?? whole)
  return new CliError(message, err.code === 'invalid_input' ? USAGE : 1)
}

function defaultActor(): string {
  try {
    return `cli:${userInfo().username}`
  } catch {
    return 'cli'
  }
}

/**
 * Parses a command's options, opens the registry its config names (failing at once when the store
 * is down), runs `body`, and closes the registry whatever happens.
 */
export async function runAccessCommand<O extends OptionSpec>(
  argv: readonly string[],
  io: Io,
  help: string,
  options: O,
  body: (ctx: AccessCommandContext<ReturnType<typeof parse<O & typeof ACCESS_OPTIONS>>['values']>) => Promise<number>,
  allowPositionals = false,
): Promise<number> {
  const { values, positionals } = parse(argv, { ...ACCESS_OPTIONS, ...options } as O & typeof ACCESS_OPTIONS, allowPositionals)
  if (values.help) return void io.out(help), 0
  const v = values as Record<string, unknown>
  const loaded = loadAccessConfig(required(v.config as string | undefined, 'config'), io.env, io.cwd)
  for (const warning of loaded.warnings) io.err(`hivegate: ${warning}`)
  const access = await openAccess(loaded, loaded.config, { env: io.env, once: true, warn: (text) => io.err(`hivegate: ${loaded.file}: ${text}`) })
  try {
    return await body({
      values, positionals, registry: access.registry, json: v.json === true, loaded,
      actor: (v.actor as string | undefined) ?? defaultActor(),
    })
  } catch (err) {
    if (err instanceof AccessError) throw cliErrorOf(err)
    throw err
  } finally {
    await access.close()
  }
}
