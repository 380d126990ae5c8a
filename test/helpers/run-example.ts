// Runs an example the way its README does (`node examples/<name>`) on a free port, and stops it.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface RunningExample {
  /** `http://127.0.0.1:PORT`, as printed by the example. */
  readonly base: string
  /** The value of the printed `TOKEN=` line. */
  readonly token: string
  /** Everything the example printed before it was ready. */
  readonly output: string
  stop(): Promise<void>
}

/** Starts `node <folder>` from the repository root with PORT=0 and waits for its `TOKEN=` line. */
export function runExample(folder: string, env: Record<string, string> = {}): Promise<RunningExample> {
  const child: ChildProcess = spawn(process.execPath, [folder], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill()
    })
  return new Promise((resolve, reject) => {
    let output = ''
    let errors = ''
    child.stderr!.on('data', (chunk: Buffer) => {
      errors += chunk.toString()
    })
    child.once('exit', (code) => reject(new Error(`${folder} exited with ${code} before it was ready: ${errors}`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const base = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      const token = /TOKEN=(\S+)\n/.exec(output)?.[1]
      if (base !== undefined && token !== undefined && /curl -i \S+\/api\/me/.test(output)) {
        child.removeAllListeners('exit')
        resolve({ base, token, output, stop })
      }
    })
  })
}
