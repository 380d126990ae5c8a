import { ACCESS_OPTIONS_HELP, runAccessCommand } from '../access/run.js'
import { json, table, tokenRow, TOKEN_HEADER } from '../access/format.js'
import { CliError, USAGE, type Io } from '../io.js'

/** `--help` text. */
export const ACCESS_TOKEN_REVOKE_HELP = `Usage: hivegate access token revoke <id> --config <hivegate.yml> [--json]

Revokes a static token: every gateway on the store refuses it from now on (401 token_revoked) and
closes the WebSocket connections it opened. It cannot be undone; create a new token instead.

Options:
${ACCESS_OPTIONS_HELP}`

/** `hivegate access token revoke`. */
export function accessTokenRevoke(argv: readonly string[], io: Io): Promise<number> {
  return runAccessCommand(argv, io, ACCESS_TOKEN_REVOKE_HELP, {}, async (ctx) => {
    if (ctx.positionals.length !== 1) throw new CliError('give exactly one token <id>. Try --help.', USAGE)
    const token = await ctx.registry.revokeToken(ctx.positionals[0], ctx.actor)
    io.out(ctx.json ? json({ token }) : `token revoked:\n${table(TOKEN_HEADER, [tokenRow(token)])}`)
    return 0
  }, true)
}
