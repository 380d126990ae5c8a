import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from '../args.js'
import { CliError, type Io } from '../io.js'

/** `--help` text. */
export const SECRET_GENERATE_HELP = `Usage: hivegate secret generate [--kid <id>] [--out <file>]

Generates a 256-bit HMAC secret (43 base64url characters; the text itself is the secret).

Options:
  --kid <id>     Name of the secret, the JWT "kid" that selects it. Default: a random id.
  --out <file>   Write the secret to <file> (mode 0600, never overwritten) instead of stdout.
  -h, --help     Show this help.

Without --out the secret is the only line on stdout; the kid and advice go to stderr.`

/** `hivegate secret generate`. */
export function secretGenerate(argv: readonly string[], io: Io): number {
  const { values } = parse(argv, { kid: { type: 'string' }, out: { type: 'string' } })
  if (values.help) return void io.out(SECRET_GENERATE_HELP), 0
  const kid = values.kid ?? `hs-${randomBytes(4).toString('hex')}`
  if (!/^[\x21-\x7e]{1,128}$/.test(kid)) throw new CliError('--kid must be 1 to 128 printable characters without spaces')
  const secret = randomBytes(32).toString('base64url')
  if (values.out !== undefined) {
    try {
      writeFileSync(resolve(io.cwd, values.out), `${secret}\n`, { mode: 0o600, flag: 'wx' })
    } catch (err) {
      throw new CliError(`cannot write ${values.out} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
    }
    io.out(`kid: ${kid}\nsecret written to ${values.out} (mode 0600)`)
    return 0
  }
  io.err(`kid: ${kid}\nThe secret is printed on stdout below: store it in a file or a secret manager, never in a config file.`)
  io.out(secret)
  return 0
}
