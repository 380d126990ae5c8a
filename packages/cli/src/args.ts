import { parseArgs, type ParseArgsConfig } from 'node:util'

type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] }
import { CliError, USAGE } from './io.js'

type OptionSpec = NonNullable<ParseArgsConfig['options']>

/** Parses `argv` strictly; an unknown or malformed option is a usage error naming it. */
export function parse<O extends OptionSpec>(
  argv: readonly string[],
  options: O,
  allowPositionals = false,
): { values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string } & { help?: boolean }; positionals: string[] } {
  try {
    return parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true }) as Parsed as never
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err)
    throw new CliError(`${message.replace(/\.$/, '')}. Try --help.`, USAGE)
  }
}

/** A required string option, or a usage error naming it. */
export function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new CliError(`--${name} is required. Try --help.`, USAGE)
  return value
}

/** Parses a JSON option value, or a usage error naming the option (the value is not echoed). */
export function jsonOption(value: string | undefined, name: string): unknown {
  if (value === undefined) return undefined
  try {
    return JSON.parse(value)
  } catch {
    throw new CliError(`--${name} must be JSON, e.g. '{"london":{"deliveryRiders/*":"R"}}'`, USAGE)
  }
}
