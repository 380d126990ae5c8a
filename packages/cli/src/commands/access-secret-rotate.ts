import { ACCESS_OPTIONS_HELP, runAccessCommand } from '../access/run.js'
import type { Io } from '../io.js'
import { SECRET_OPTIONS, showCreatedSecret } from './access-secret-create.js'

/** `--help` text. */
export const ACCESS_SECRET_ROTATE_HELP = `Usage: hivegate access secret rotate --config <hivegate.yml> [--kid <id>] [--alg <alg>] [--out <file>] [--json]

Creates a new active secret and moves the active ones to "retiring": they still verify the tokens
they signed, new static tokens are signed by the new one. Retire the old ones once their tokens are
replaced. The new value is shown once, as by "secret create".

Options:
  --kid <id>       Key id of the new secret. Default: a random id.
  --alg <alg>      HS256 (default), HS384 or HS512.
  --out <file>     Write the value to <file> (mode 0600) instead of stdout.
${ACCESS_OPTIONS_HELP}`

/** `hivegate access secret rotate`. */
export function accessSecretRotate(argv: readonly string[], io: Io): Promise<number> {
  return runAccessCommand(argv, io, ACCESS_SECRET_ROTATE_HELP, SECRET_OPTIONS, async (ctx) => {
    const input = { ...(ctx.values.kid !== undefined && { kid: ctx.values.kid }), ...(ctx.values.alg !== undefined && { alg: ctx.values.alg }) }
    return showCreatedSecret(io, ctx, await ctx.registry.rotateSecret(input, ctx.actor), 'rotated in')
  })
}
