import { ACCESS_OPTIONS_HELP, runAccessCommand } from '../access/run.js'
import { json, tokenDetails } from '../access/format.js'
import { CliError, USAGE, type Io } from '../io.js'

/** `--help` text. */
export const ACCESS_TOKEN_SHOW_HELP = `Usage: hivegate access token show <id> --config <hivegate.yml> [--json]

Shows every field of one static token (claims, secret, dates, who created or revoked it). Never
the token itself: it is not stored.

Options:
${ACCESS_OPTIONS_HELP}`

/** `hivegate access token show`. */
export function accessTokenShow(argv: readonly string[], io: Io): Promise<number> {
  return runAccessCommand(argv, io, ACCESS_TOKEN_SHOW_HELP, {}, async (ctx) => {
    if (ctx.positionals.length !== 1) throw new CliError('give exactly one token <id>. Try --help.', USAGE)
    const token = await ctx.registry.getToken(ctx.positionals[0])
    io.out(ctx.json ? json({ token }) : tokenDetails(token))
    return 0
  }, true)
}
