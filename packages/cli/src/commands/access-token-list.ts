import { ACCESS_OPTIONS_HELP, runAccessCommand } from '../access/run.js'
import { json, table, tokenRow, tokenStatus, TOKEN_HEADER } from '../access/format.js'
import type { Io } from '../io.js'

/** `--help` text. */
export const ACCESS_TOKEN_LIST_HELP = `Usage: hivegate access token list --config <hivegate.yml> [--active] [--json]

Lists the static tokens: id (the jti), name, sub, tnd, status, dates and when each was last used
(at most a minute stale). Never the tokens themselves: they are not stored.

Options:
  --active         Only tokens that are neither revoked nor expired.
${ACCESS_OPTIONS_HELP}`

/** `hivegate access token list`. */
export function accessTokenList(argv: readonly string[], io: Io): Promise<number> {
  return runAccessCommand(argv, io, ACCESS_TOKEN_LIST_HELP, { active: { type: 'boolean' } }, async (ctx) => {
    let tokens = await ctx.registry.listTokens()
    if (ctx.values.active === true) tokens = tokens.filter((t) => tokenStatus(t) === 'active')
    io.out(ctx.json ? json({ tokens }) : tokens.length === 0 ? 'no tokens' : table(TOKEN_HEADER, tokens.map(tokenRow)))
    return 0
  })
}
