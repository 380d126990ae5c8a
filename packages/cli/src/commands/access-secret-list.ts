import { ACCESS_OPTIONS_HELP, runAccessCommand } from '../access/run.js'
import { json, secretRow, SECRET_HEADER, table } from '../access/format.js'
import type { Io } from '../io.js'

/** `--help` text. */
export const ACCESS_SECRET_LIST_HELP = `Usage: hivegate access secret list --config <hivegate.yml> [--json]

Lists the registry's secrets: kid, algorithm, status (active, retiring, retired) and dates. Never
their values.

Options:
${ACCESS_OPTIONS_HELP}`

/** `hivegate access secret list`. */
export function accessSecretList(argv: readonly string[], io: Io): Promise<number> {
  return runAccessCommand(argv, io, ACCESS_SECRET_LIST_HELP, {}, async (ctx) => {
    const secrets = ctx.registry.listSecrets()
    io.out(ctx.json ? json({ secrets }) : secrets.length === 0 ? 'no secrets (hivegate access init creates the first)' : table(SECRET_HEADER, secrets.map(secretRow)))
    return 0
  })
}
