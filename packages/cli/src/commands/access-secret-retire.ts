import { ACCESS_OPTIONS_HELP, runAccessCommand } from '../access/run.js'
import { json, secretRow, SECRET_HEADER, table } from '../access/format.js'
import { CliError, USAGE, type Io } from '../io.js'

/** `--help` text. */
export const ACCESS_SECRET_RETIRE_HELP = `Usage: hivegate access secret retire <kid> --config <hivegate.yml> [--json]

Retires a secret: every token it signed is refused from now on, by every gateway on the store.

Options:
${ACCESS_OPTIONS_HELP}`

/** `hivegate access secret retire`. */
export function accessSecretRetire(argv: readonly string[], io: Io): Promise<number> {
  return runAccessCommand(argv, io, ACCESS_SECRET_RETIRE_HELP, {}, async (ctx) => {
    if (ctx.positionals.length !== 1) throw new CliError('give exactly one <kid>. Try --help.', USAGE)
    const secret = await ctx.registry.retireSecret(ctx.positionals[0], ctx.actor)
    io.out(ctx.json ? json({ secret }) : `secret retired:\n${table(SECRET_HEADER, [secretRow(secret)])}`)
    return 0
  }, true)
}
