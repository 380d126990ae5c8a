/** Where a command writes; the process streams in `bin`, buffers in tests. */
export interface Io {
  out(text: string): void
  err(text: string): void
  /** Reads all of standard input (for a token piped in). */
  readStdin(): Promise<string>
  /** Environment variables (secrets may come from there). */
  env: Readonly<Record<string, string | undefined>>
  /** Directory relative paths are resolved against. */
  cwd: string
}

/** A failure to report on stderr with `exitCode`; its message is safe to print (never a secret). */
export class CliError extends Error {
  override readonly name = 'CliError'
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message)
  }
}

/** Exit code for a command line that cannot be understood. */
export const USAGE = 2

/** The process's own streams and environment. */
export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    readStdin: async () => {
      if (process.stdin.isTTY) return ''
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    },
    env: process.env,
    cwd: process.cwd(),
  }
}
