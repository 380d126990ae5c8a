import { ACCESS_OPTIONS_HELP, runAccessCommand } from '../access/run.js'
import { json } from '../access/format.js'
import { CliError, USAGE, type Io } from '../io.js'

/** `--help` text. */
export const ACCESS_CONNECTIONS_CLOSE_HELP = `Usage: hivegate access connections close --config <hivegate.yml> (--sub <s> | --tnd <t> | --jti <id>)... [--json]

Asks every gateway on the store to close the open WebSocket connections that match every option
given (a subject, a tenant, a token id). Closing is not revoking: the token may connect again;
use "hivegate access token revoke" to refuse it.

Options:
  --sub <subject>  Connections of this "sub".
  --tnd <tenant>   Connections of this tenant.
  --jti <id>       Connections opened with this token.
${ACCESS_OPTIONS_HELP}`

/** `hivegate access connections close`. */
export function accessConnectionsClose(argv: readonly string[], io: Io): Promise<number> {
  return runAccessCommand(argv, io, ACCESS_CONNECTIONS_CLOSE_HELP, { sub: { type: 'string' }, tnd: { type: 'string' }, jti: { type: 'string' } }, async (ctx) => {
    const { sub, tnd, jti } = ctx.values
    if (sub === undefined && tnd === undefined && jti === undefined) throw new CliError('give at least one of --sub, --tnd and --jti. Try --help.', USAGE)
    const selector = await ctx.registry.closeConnections({ ...(sub !== undefined && { sub }), ...(tnd !== undefined && { tnd }), ...(jti !== undefined && { jti }) }, ctx.actor)
    const shown = Object.entries(selector).map(([k, value]) => `${k}=${value}`).join(' ')
    io.out(ctx.json ? json({ closed: selector }) : `asked every gateway on the store to close the connections of ${shown}`)
    return 0
  })
}
