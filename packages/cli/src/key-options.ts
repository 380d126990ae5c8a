import { createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { KeySetOptions } from '@hivegate/core'
import { exposedSecretWarning } from './file-mode.js'
import { CliError, USAGE, type Io } from './io.js'

/** The key options shared by `token sign` and `token verify`. */
export const KEY_OPTIONS = {
  'secret-file': { type: 'string' },
  'secret-env': { type: 'string' },
  'key-file': { type: 'string' },
  'jwks-file': { type: 'string' },
  kid: { type: 'string' },
} as const

/** Parsed values of {@link KEY_OPTIONS}. */
export interface KeyArgs {
  'secret-file'?: string
  'secret-env'?: string
  'key-file'?: string
  'jwks-file'?: string
}

/** Reads a file the user named; the error names the file, never its content. */
export function readUserFile(io: Io, path: string, what: string): string {
  try {
    return readFileSync(resolve(io.cwd, path), 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new CliError(`cannot read ${what} ${path} (${code})`)
  }
}

/** Like {@link readUserFile}, warning on stderr when other users can read the file too. */
function readSecretFile(io: Io, path: string, what: string): string {
  const text = readUserFile(io, path, what)
  const warning = exposedSecretWarning(resolve(io.cwd, path), path)
  if (warning !== undefined) io.err(`hivegate: ${warning}`)
  return text
}

/** The HMAC secret text from a file or an environment variable (trailing newline dropped). */
export function readSecret(io: Io, args: KeyArgs): string | undefined {
  if (args['secret-file'] !== undefined) return readSecretFile(io, args['secret-file'], '--secret-file').replace(/\r?\n$/, '')
  if (args['secret-env'] !== undefined) {
    const value = io.env[args['secret-env']]
    if (value === undefined || value === '') throw new CliError(`environment variable ${args['secret-env']} (--secret-env) is not set`)
    return value
  }
  return undefined
}

function exactlyOne(args: KeyArgs, names: (keyof KeyArgs)[]): void {
  const given = names.filter((n) => args[n] !== undefined)
  if (given.length !== 1) throw new CliError(`give exactly one of ${names.map((n) => `--${n}`).join(', ')}`, USAGE)
}

/** Signing material: a secret or a private key PEM. */
export function signingKey(io: Io, args: KeyArgs): { secret: string } | { privateKey: string } {
  exactlyOne(args, ['secret-file', 'secret-env', 'key-file'])
  const secret = readSecret(io, args)
  if (secret !== undefined) return { secret }
  return { privateKey: readSecretFile(io, args['key-file']!, '--key-file') }
}

/** Verification keys for `kid`: a secret, a public (or private) key PEM, or a JWKS file. */
export function verificationKeys(io: Io, args: KeyArgs, kid: string): KeySetOptions {
  exactlyOne(args, ['secret-file', 'secret-env', 'key-file', 'jwks-file'])
  const secret = readSecret(io, args)
  if (secret !== undefined) return { secrets: { [kid]: secret } }
  if (args['jwks-file'] !== undefined) {
    const text = readUserFile(io, args['jwks-file'], '--jwks-file')
    let jwks: unknown
    try {
      jwks = JSON.parse(text)
    } catch {
      throw new CliError(`--jwks-file ${args['jwks-file']} is not JSON`)
    }
    if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
      throw new CliError(`--jwks-file ${args['jwks-file']} must hold a JWKS: {"keys": [...]}`)
    }
    return { localJwks: jwks as { keys: [] } }
  }
  const pem = readUserFile(io, args['key-file']!, '--key-file')
  try {
    // A private key file works too: only its public half is kept.
    return { publicKeys: { [kid]: createPublicKey(pem) } }
  } catch {
    throw new CliError(`--key-file ${args['key-file']} is not a PEM public or private key`)
  }
}
