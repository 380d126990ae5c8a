// `hivegate serve` as a real process, as an operator runs it; started and stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startRedis, type RedisServer } from './redis-server.js'

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

/** A suite's `hivegate serve` processes, their config files and Redis, all stopped by {@link ServeSuite.close}. */
export interface ServeSuite {
  /** The suite's temporary directory (config files, Redis data). */
  readonly dir: string
  /** Writes `<name>.yml` in {@link dir} and returns its path. */
  config(name: string, text: string): string
  /** Starts redis-server for the suite (skips it without the binary); call from `before` with mocha's `this`. */
  redis(context: Mocha.Context, options?: { persist?: boolean }): Promise<RedisServer>
  /** Starts `hivegate serve` on `config`; it is killed by {@link close} unless stopped before. */
  serve(config: string, env?: Record<string, string>): Promise<ServeProcess>
  /** Kills every `hivegate serve` started so far (e.g. from `afterEach`). */
  killServes(): Promise<void>
  /** Kills every process started, stops Redis and removes the directory: call from `after`. */
  close(): Promise<void>
}

/** The start and stop of a suite of `hivegate serve` processes, in one place. */
export function serveSuite(name: string): ServeSuite {
  const dir = mkdtempSync(join(tmpdir(), `hivegate-${name}-`))
  const running: ServeProcess[] = []
  const servers: RedisServer[] = []
  return {
    dir,
    config(file, text) {
      const path = join(dir, `${file}.yml`)
      writeFileSync(path, text)
      return path
    },
    async redis(context, options = {}) {
      const server = await startRedis(context, options.persist === true ? { persistDir: dir } : {})
      servers.push(server)
      return server
    },
    async serve(config, env = {}) {
      const started = await startServe(config, env)
      running.push(started)
      return started
    },
    async killServes() {
      await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')))
    },
    async close() {
      await this.killServes()
      await Promise.all(servers.splice(0).map((s) => s.stop()))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
