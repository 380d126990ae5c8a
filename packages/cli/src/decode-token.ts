import { CliError } from './io.js'

/** Header and payload of a compact JWS, decoded without any check. */
export interface DecodedToken {
  header: Record<string, unknown>
  payload: Record<string, unknown>
}

const MAX_TOKEN_LENGTH = 64 * 1024

function part(text: string, name: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw new CliError(`the token's ${name} is not base64url JSON`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`the token's ${name} is not a JSON object`)
  return value as Record<string, unknown>
}

/** Decodes a compact JWS; a malformed one is a CliError that never quotes it. */
export function decodeToken(token: string): DecodedToken {
  if (token.length > MAX_TOKEN_LENGTH) throw new CliError(`the token is longer than ${MAX_TOKEN_LENGTH} characters`)
  const parts = token.split('.')
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p))) throw new CliError('not a compact JWS (three base64url parts separated by dots)')
  return { header: part(parts[0]!, 'header'), payload: part(parts[1]!, 'payload') }
}

/** The token from the first positional argument, or from stdin when it is absent or "-". */
export async function tokenArgument(positionals: readonly string[], readStdin: () => Promise<string>): Promise<string> {
  if (positionals.length > 1) throw new CliError('give one token (or pipe it on stdin)', 2)
  const given = positionals[0]
  const token = (given === undefined || given === '-' ? await readStdin() : given).trim()
  if (token === '') throw new CliError('no token: give it as an argument or on stdin', 2)
  return token
}
