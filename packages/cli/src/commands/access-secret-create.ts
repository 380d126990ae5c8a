import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Created, SecretRecord } from '@hivegate/access'
import { ACCESS_OPTIONS_HELP, runAccessCommand, type AccessCommandContext } from '../access/run.js'
import { json, secretRow, SECRET_HEADER, table } from '../access/format.js'
import { CliError, type Io } from '../io.js'

/** `--help` text. */
export const ACCESS_SECRET_CREATE_HELP = `Usage: hivegate access secret create --config <hivegate.yml> [--kid <id>] [--alg HS256|HS384|HS512] [--out <file>] [--json]

Creates an active signing secret in the registry. Its value is shown once, now: on stdout (or in
--out, mode 0600), never again by any command. Every gateway on the store verifies with it at once.

Options:
  --kid <id>       Key id (the JWT "kid"). Default: a random id.
  --alg <alg>      HS256 (default), HS384 or HS512.
  --out <file>     Write the value to <file> (mode 0600, never overwritten) instead of stdout.
${ACCESS_OPTIONS_HELP}`

export const SECRET_OPTIONS = { kid: { type: 'string' }, alg: { type: 'string' }, out: { type: 'string' } } as const

/** Shows a new secret once: the record as a table on stderr (or JSON), the value on stdout or in --out. */
export function showCreatedSecret(io: Io, ctx: AccessCommandContext<{ out?: string | undefined }>, created: Created<SecretRecord>, what: string): number {
  const { record, value } = created
  const out = ctx.values.out
  if (out !== undefined) {
    try {
      writeFileSync(resolve(io.cwd, out), `${value}\n`, { mode: 0o600, flag: 'wx' })
    } catch (err) {
      throw new CliError(`the secret was ${what} but cannot be written to ${out} (${(err as NodeJS.ErrnoException).code ?? 'error'}); retire it and try again`)
    }
  }
  if (ctx.json) return void io.out(json({ secret: record, ...(out === undefined ? { value } : { writtenTo: out }) })), 0
  const shown = `secret ${what}:\n${table(SECRET_HEADER, [secretRow(record)])}`
  if (out !== undefined) return void io.out(`${shown}\nvalue written to ${out} (mode 0600)`), 0
  io.err(`${shown}\nThe value is printed on stdout below, once: store it in a file or a secret manager.`)
  io.out(value)
  return 0
}

/** `hivegate access secret create`. */
export function accessSecretCreate(argv: readonly string[], io: Io): Promise<number> {
  return runAccessCommand(argv, io, ACCESS_SECRET_CREATE_HELP, SECRET_OPTIONS, async (ctx) => {
    const input = { ...(ctx.values.kid !== undefined && { kid: ctx.values.kid }), ...(ctx.values.alg !== undefined && { alg: ctx.values.alg }) }
    return showCreatedSecret(io, ctx, await ctx.registry.createSecret(input, ctx.actor), 'created')
  })
}
