// `hivegate serve` as a real process, as an operator runs it; started and stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const HIVEGATE_BIN = fileURLToPath(new URL('../../packages/cli/bin/hivegate.js', import.meta.url))

export interface ServeProcess {
  /** `http://127.0.0.1:PORT` it printed. */
  readonly url: string
  readonly child: ChildProcess
  /** Everything it printed on stdout and stderr so far. */
  output(): string
  /** Sends `signal` and resolves with the exit code once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts `hivegate serve --config <file> --port 0` and resolves once it prints its address. */
export function startServe(config: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [HIVEGATE_BIN, 'serve', '--config', config, '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c))
  child.stderr!.on('data', (c: Buffer) => (out += c))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const stop = (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return exited
  }
  return new Promise((resolve, reject) => {
    const onData = (): void => {
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (found === null) return
      child.stdout!.off('data', onData)
      resolve({ url: found[1]!, child, output: () => out, stop })
    }
    child.stdout!.on('data', onData)
    void exited.then((code) => reject(new Error(`hivegate serve exited with ${code} before listening: ${out}`)))
  })
}
