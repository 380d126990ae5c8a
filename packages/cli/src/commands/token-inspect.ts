import { parse } from '../args.js'
import { decodeToken, tokenArgument } from '../decode-token.js'
import type { Io } from '../io.js'

/** `--help` text. */
export const TOKEN_INSPECT_HELP = `Usage: hivegate token inspect [<token> | -]

Decodes a token's header and claims WITHOUT checking its signature: anyone can write a token that
decodes to anything. Use "hivegate token verify" to know whether it is genuine.

Options:
  -h, --help   Show this help.`

const WARNING = '*** UNVERIFIED: decoded without checking the signature. Do not trust these claims. ***'

function describeTime(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < 1e11 ? new Date(value * 1000).toISOString() : undefined
}

/** `hivegate token inspect`. */
export async function tokenInspect(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {}, true)
  if (values.help) return void io.out(TOKEN_INSPECT_HELP), 0
  const { header, payload } = decodeToken(await tokenArgument(positionals, io.readStdin))
  const times: Record<string, string> = {}
  for (const name of ['iat', 'nbf', 'exp']) {
    const at = describeTime(payload[name])
    if (at !== undefined) times[name] = at
  }
  if (payload.exp === undefined) times.exp = 'none (never expires)'
  io.err(WARNING)
  io.out(`${WARNING}\n${JSON.stringify({ verified: false, header, payload, times }, null, 2)}`)
  return 0
}
