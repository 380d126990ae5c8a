import { ACCESS_COMMANDS, ACCESS_HELP } from './access/commands.js'
import { keysGenerate, KEYS_GENERATE_HELP } from './commands/keys-generate.js'
import { secretGenerate, SECRET_GENERATE_HELP } from './commands/secret-generate.js'
import { serve } from './commands/serve.js'
import { tokenInspect, TOKEN_INSPECT_HELP } from './commands/token-inspect.js'
import { tokenSign, TOKEN_SIGN_HELP } from './commands/token-sign.js'
import { tokenVerify, TOKEN_VERIFY_HELP } from './commands/token-verify.js'
import { CliError, USAGE, type Io } from './io.js'

/** Top-level help text. */
export const HELP = `Usage: hivegate <command> [options]

Commands:
  secret generate   A new 256-bit HMAC secret with a key id.
  keys generate     A private key file and its public JWKS (ES256, RS256, EdDSA).
  token sign        Sign a static token (API key) or an app token.
  token verify      Verify a token; the exit code says whether it is valid.
  token inspect     Decode a token WITHOUT verifying it.
  serve             Run the authenticating gateway from a YAML config.
  access ...        The access registry: init, secrets, static tokens, closing connections.

Run "hivegate <command> --help" for a command's options.`

type Command = (argv: readonly string[], io: Io) => number | Promise<number>

const COMMANDS: Record<string, Record<string, [Command, string]>> = {
  secret: { generate: [secretGenerate, SECRET_GENERATE_HELP] },
  keys: { generate: [keysGenerate, KEYS_GENERATE_HELP] },
  token: { sign: [tokenSign, TOKEN_SIGN_HELP], verify: [tokenVerify, TOKEN_VERIFY_HELP], inspect: [tokenInspect, TOKEN_INSPECT_HELP] },
}

function group(name: string): string {
  const subs = Object.keys(COMMANDS[name]!)
  return `Usage: hivegate ${name} <${subs.join('|')}> [options]\n\nRun "hivegate ${name} <command> --help" for details.`
}

// `hivegate access init` and `hivegate access <object> <verb>`.
async function access(argv: readonly string[], io: Io): Promise<number> {
  const [object, verb, ...rest] = argv
  if (object === undefined || object === '--help' || object === '-h') {
    io.out(ACCESS_HELP)
    return object === undefined ? USAGE : 0
  }
  const entry = ACCESS_COMMANDS[object]
  if (entry === undefined) throw new CliError(`unknown command "access ${object}". Run "hivegate access --help".`, USAGE)
  if (typeof entry === 'function') return await entry(argv.slice(1), io)
  if (verb === undefined || verb === '--help' || verb === '-h') {
    io.out(`Usage: hivegate access ${object} <${Object.keys(entry).join('|')}> [options]\n\nRun "hivegate access ${object} <command> --help" for details.`)
    return verb === undefined ? USAGE : 0
  }
  const command = entry[verb]
  if (command === undefined) throw new CliError(`unknown command "access ${object} ${verb}". Run "hivegate access --help".`, USAGE)
  return await command(rest, io)
}

/**
 * Runs the `hivegate` command line; resolves to the exit code. Errors are written to `io.err`
 * (never a stack trace, never a secret).
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), processIo())
 * ```
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [first, second, ...rest] = argv
  try {
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      io.out(HELP)
      return first === undefined ? USAGE : 0
    }
    if (first === 'serve') return await serve(argv.slice(1), io)
    if (first === 'access') return await access(argv.slice(1), io)
    const commands = COMMANDS[first]
    if (commands === undefined) throw new CliError(`unknown command "${first}". Run "hivegate --help".`, USAGE)
    if (second === undefined || second === '--help' || second === '-h') {
      io.out(group(first))
      return second === undefined ? USAGE : 0
    }
    const command = commands[second]
    if (command === undefined) throw new CliError(`unknown command "${first} ${second}". Run "hivegate ${first} --help".`, USAGE)
    return await command[0](rest, io)
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`hivegate: ${err.message}`)
      return err.exitCode
    }
    io.err(`hivegate: unexpected error: ${err instanceof Error ? err.message : String(err)}`)
    return 1
  }
}
