import { createVerifier, isAuthError } from '@hivegate/core'
import { parse, required } from '../args.js'
import { decodeToken, tokenArgument } from '../decode-token.js'
import { CliError, USAGE, type Io } from '../io.js'
import { KEY_OPTIONS, verificationKeys } from '../key-options.js'

/** `--help` text. */
export const TOKEN_VERIFY_HELP = `Usage: hivegate token verify [<token> | -] --iss <issuer> (--secret-file <f> | --secret-env <VAR> | --key-file <pem> | --jwks-file <f>) [options]

Verifies a token's signature and claims (exp, nbf, iat, iss, aud) as the gateway does. The token is
read from stdin when no argument (or "-") is given; prefer that, since arguments end up in shell history.

Exit code 0 and the claims as JSON on stdout when valid; exit code 1 and the reason on stderr when not.

Options:
  --iss <issuer>      Expected issuer. Required.
  --aud <audience>    Expected audience.
  --kid <id>          Key id of the secret or key. Default: the token's own "kid".
  --require <claims>  Comma-separated claims that must be present, e.g. tnd,sub.
  --secret-file, --secret-env, --key-file, --jwks-file   The key (exactly one).
  -h, --help          Show this help.`

/** `hivegate token verify`. */
export async function tokenVerify(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { ...KEY_OPTIONS, iss: { type: 'string' }, aud: { type: 'string' }, require: { type: 'string' } }, true)
  if (values.help) return void io.out(TOKEN_VERIFY_HELP), 0
  const issuer = required(values.iss, 'iss')
  const token = await tokenArgument(positionals, io.readStdin)
  let headerKid: unknown
  try {
    headerKid = decodeToken(token).header.kid
  } catch (err) {
    io.err(`invalid: ${(err as Error).message}`)
    return 1
  }
  const kid = values.kid ?? (typeof headerKid === 'string' && headerKid !== '' ? headerKid : 'default')
  let verifier
  try {
    verifier = createVerifier({
      issuer,
      ...(values.aud !== undefined && { audience: values.aud }),
      ...(values.require !== undefined && { requiredClaims: values.require.split(',').map((c) => c.trim()).filter(Boolean) }),
      keys: verificationKeys(io, values, kid),
      cache: false,
    })
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError((err as Error).message, USAGE)
  }
  try {
    const auth = await verifier.verify(token, 'cli')
    io.out(JSON.stringify(auth.claims, null, 2))
    io.err(`valid: signature and claims checked (kid ${kid})`)
    return 0
  } catch (err) {
    if (!isAuthError(err)) throw err
    io.err(`invalid: ${err.code}: ${err.message}`)
    return 1
  }
}
