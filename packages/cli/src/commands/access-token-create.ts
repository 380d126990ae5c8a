import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { ACCESS_OPTIONS_HELP, runAccessCommand } from '../access/run.js'
import { json, table, tokenRow, TOKEN_HEADER } from '../access/format.js'
import { CliError, type Io } from '../io.js'

/** `--help` text. */
export const ACCESS_TOKEN_CREATE_HELP = `Usage: hivegate access token create --config <hivegate.yml> --name <name> [options]

Creates a static token (API key) signed by the newest active secret, and shows it once: on stdout
(or in --out, mode 0600). The registry keeps its claims, never the token itself; every gateway on
the store accepts it at once, and refuses it once revoked.

Options:
  --name <name>         A name unique among tokens not revoked (e.g. the service using it). Required.
  --sub <subject>       The "sub" claim.
  --tnd <tenant>        The "tnd" claim (tenant id).
  --per <json>          Permissions, e.g. '{"london":{"deliveryRiders/*":"R"}}'.
  --dpv <json>          Data-provider patterns, e.g. '{"london":["deliveryRides/johndoe-123"]}'.
  --expires-in <ttl>    90d, 12h, seconds, or "never" (default).
  --out <file>          Write the token to <file> (mode 0600, never overwritten) instead of stdout.
${ACCESS_OPTIONS_HELP}`

/** `hivegate access token create`. */
export function accessTokenCreate(argv: readonly string[], io: Io): Promise<number> {
  const options = {
    name: { type: 'string' }, sub: { type: 'string' }, tnd: { type: 'string' }, per: { type: 'string' }, dpv: { type: 'string' },
    'expires-in': { type: 'string' }, out: { type: 'string' },
  } as const
  return runAccessCommand(argv, io, ACCESS_TOKEN_CREATE_HELP, options, async (ctx) => {
    const v = ctx.values
    const input: Record<string, string> = {}
    for (const key of ['name', 'sub', 'tnd', 'per', 'dpv'] as const) if (v[key] !== undefined) input[key] = v[key]
    if (v['expires-in'] !== undefined) input.expiresIn = v['expires-in']
    const { record, value } = await ctx.registry.createToken(input, ctx.actor)
    if (v.out !== undefined) {
      try {
        writeFileSync(resolve(io.cwd, v.out), `${value}\n`, { mode: 0o600, flag: 'wx' })
      } catch (err) {
        throw new CliError(`token ${record.id} was created but cannot be written to ${v.out} (${(err as NodeJS.ErrnoException).code ?? 'error'}); revoke it and try again`)
      }
    }
    if (ctx.json) return void io.out(json({ token: record, ...(v.out === undefined ? { value } : { writtenTo: v.out }) })), 0
    const shown = `token created:\n${table(TOKEN_HEADER, [tokenRow(record)])}`
    if (v.out !== undefined) return void io.out(`${shown}\ntoken written to ${v.out} (mode 0600)`), 0
    io.err(`${shown}\nThe token is printed on stdout below, once: it cannot be shown again.`)
    io.out(value)
    return 0
  })
}
