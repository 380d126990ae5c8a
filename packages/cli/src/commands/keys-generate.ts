import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse, required } from '../args.js'
import { CliError, USAGE, type Io } from '../io.js'

/** `--help` text. */
export const KEYS_GENERATE_HELP = `Usage: hivegate keys generate --alg ES256|RS256|EdDSA [--kid <id>] [--out <dir>]

Generates a signing key pair: <dir>/<kid>.key.pem (PKCS#8 private key, mode 0600) and
<dir>/<kid>.jwks.json (the public key as a JWKS, to give to verifiers). Existing files are never
overwritten. Nothing secret is printed.

Options:
  --alg <alg>    ES256 (P-256), RS256 (RSA 2048) or EdDSA (Ed25519). Required.
  --kid <id>     Key id. Default: <alg>-<random>.
  --out <dir>    Directory for the two files (created if missing). Default: the current directory.
  -h, --help     Show this help.`

const ALGS = ['ES256', 'RS256', 'EdDSA'] as const
type KeyAlg = (typeof ALGS)[number]

function generate(alg: KeyAlg) {
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519')
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
}

/** `hivegate keys generate`. */
export function keysGenerate(argv: readonly string[], io: Io): number {
  const { values } = parse(argv, { alg: { type: 'string' }, kid: { type: 'string' }, out: { type: 'string' } })
  if (values.help) return void io.out(KEYS_GENERATE_HELP), 0
  const alg = required(values.alg, 'alg')
  if (!(ALGS as readonly string[]).includes(alg)) throw new CliError(`--alg must be one of ${ALGS.join(', ')}`, USAGE)
  const kid = values.kid ?? `${alg.toLowerCase()}-${randomBytes(4).toString('hex')}`
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(kid)) throw new CliError('--kid must be 1 to 128 letters, digits, ".", "_" or "-" (it names the files)')
  const dir = resolve(io.cwd, values.out ?? '.')
  const pair = generate(alg as KeyAlg)
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }
  const keyFile = join(dir, `${kid}.key.pem`)
  const jwksFile = join(dir, `${kid}.jwks.json`)
  try {
    mkdirSync(dir, { recursive: true })
    writeFileSync(keyFile, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' })
    writeFileSync(jwksFile, `${JSON.stringify({ keys: [jwk] }, null, 2)}\n`, { flag: 'wx' })
  } catch (err) {
    throw new CliError(`cannot write the key files in ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  io.out(`kid: ${kid}\nalg: ${alg}\nprivate key: ${keyFile} (mode 0600, keep it secret)\npublic JWKS: ${jwksFile}`)
  return 0
}
