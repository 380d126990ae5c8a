import { compilePermissions, createSigner, isAuthError, type Algorithm, type Claims } from '@hivegate/core'
import { jsonOption, parse, required } from '../args.js'
import { CliError, USAGE, type Io } from '../io.js'
import { KEY_OPTIONS, signingKey } from '../key-options.js'

/** `--help` text. */
export const TOKEN_SIGN_HELP = `Usage: hivegate token sign --iss <issuer> (--secret-file <f> | --secret-env <VAR> | --key-file <pem>) [options]

Signs a token and prints it on stdout (its only output). A "jti" is always generated, so a
static token can be revoked later.

Key (exactly one):
  --secret-file <f>  HMAC secret in a file (from "hivegate secret generate --out").
  --secret-env <VAR> HMAC secret in an environment variable.
  --key-file <pem>   Private key (from "hivegate keys generate").
  --kid <id>         Key id put in the header (the verifier selects the key by it).
  --alg <alg>        Default: HS256 for a secret, otherwise from the key type.

Claims:
  --iss <issuer>     Issuer. Required.
  --aud <audience>   Audience.
  --sub <subject>    User.
  --tnd <tenant>     Tenant id.
  --per <json>       Permissions, e.g. '{"london":{"deliveryRiders/*":"R"}}'.
  --dpv <json>       Data-provider patterns, e.g. '{"london":["deliveryRides/johndoe-123"]}'.
  --exp <ttl>        Lifetime: 15m, 1h, 30d, ... or "never" for a static token (API key). Default 1h.
  -h, --help         Show this help.`

function objectOption(value: string | undefined, name: string): Record<string, unknown> | undefined {
  const parsed = jsonOption(value, name)
  if (parsed === undefined) return undefined
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError(`--${name} must be a JSON object`, USAGE)
  return parsed as Record<string, unknown>
}

// A malformed per/dpv would sign a token every verifier refuses; say so now, in the verifier's words.
function checkGrants(claims: Claims): void {
  try {
    compilePermissions(claims)
  } catch (err) {
    throw new CliError(`${isAuthError(err) ? err.message.replace(/^The token's /, '') : 'per/dpv are malformed'} (see --help)`, USAGE)
  }
}

const FLAG_OF: Record<string, string> = { ttl: '--exp', secret: 'the secret', privateKey: '--key-file', alg: '--alg', kid: '--kid', issuer: '--iss', audience: '--aud' }

// The signer names its options; the user knows the flags.
function optionNames(message: string): string {
  const text = message.replace(/"(\w+)"/g, (whole, name: string) => FLAG_OF[name] ?? whole)
  return text.startsWith('--exp') && !text.includes('never') ? `${text}, or "never"` : text
}

/** `hivegate token sign`. */
export function tokenSign(argv: readonly string[], io: Io): number {
  const { values } = parse(argv, {
    ...KEY_OPTIONS,
    alg: { type: 'string' },
    iss: { type: 'string' },
    aud: { type: 'string' },
    sub: { type: 'string' },
    tnd: { type: 'string' },
    per: { type: 'string' },
    dpv: { type: 'string' },
    exp: { type: 'string' },
  })
  if (values.help) return void io.out(TOKEN_SIGN_HELP), 0
  if (values['jwks-file'] !== undefined) throw new CliError('--jwks-file holds public keys and cannot sign; use --key-file', USAGE)
  const issuer = required(values.iss, 'iss')
  const claims: Claims = {}
  if (values.sub !== undefined) claims.sub = values.sub
  if (values.tnd !== undefined) claims.tnd = values.tnd
  const per = objectOption(values.per, 'per')
  if (per !== undefined) claims.per = per as Claims['per']
  const dpv = objectOption(values.dpv, 'dpv')
  if (dpv !== undefined) claims.dpv = dpv as Claims['dpv']
  checkGrants(claims)
  const key = signingKey(io, values)
  let token: string
  try {
    const signer = createSigner({
      ...key,
      issuer,
      ...(values.aud !== undefined && { audience: values.aud }),
      ...(values.kid !== undefined && { kid: values.kid }),
      ...(values.alg !== undefined && { alg: values.alg as Algorithm }),
      ttl: values.exp ?? '1h',
    })
    token = signer.sign(claims)
  } catch (err) {
    throw new CliError(optionNames(err instanceof Error ? err.message : 'cannot sign'), USAGE)
  }
  io.out(token)
  return 0
}
