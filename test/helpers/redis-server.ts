// A real redis-server on a free loopback port, started and stopped by the test that needs it.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'

/** Where redis-server is: `HIVEGATE_REDIS_SERVER`, or Debian's `/usr/bin/redis-server`. */
export const REDIS_SERVER_PATH = process.env.HIVEGATE_REDIS_SERVER ?? '/usr/bin/redis-server'

export interface RedisServer {
  readonly url: string
  readonly port: number
  /** Stops the server (SIGKILL: nothing is saved, as a crash would). */
  kill(): Promise<void>
  /** Starts it again on the same port: empty, or with its data when started with `persistDir`. */
  restart(): Promise<void>
  stop(): Promise<void>
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers, as a hung server. */
  pause(): void
  /** Lets a paused server run again (SIGCONT). */
  resume(): void
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

function launch(port: number, persistDir?: string): Promise<ChildProcess> {
  // With persistDir every write is fsynced to an append-only file, so a SIGKILL loses nothing.
  const persistence = persistDir === undefined ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', persistDir]
  const child = spawn(REDIS_SERVER_PATH, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--protected-mode', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`)))
  })
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

/**
 * Starts redis-server for a suite; call from `before` with mocha's `this`. Without the binary:
 * throws when `CI` is set (.ci/run installs it), otherwise skips the suite.
 */
export async function startRedis(context: Mocha.Context, options: { persistDir?: string } = {}): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER_PATH)) {
    if (process.env.CI !== undefined && process.env.CI !== '') throw new Error(`redis-server not found at ${REDIS_SERVER_PATH}; the Redis tests are required on CI`)
    console.log(`  Redis tests skipped: install redis-server (apt-get install redis-server) or set HIVEGATE_REDIS_SERVER`)
    context.skip()
  }
  const port = await freePort()
  let child = await launch(port, options.persistDir)
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    kill: () => killed(child),
    async restart() {
      await killed(child)
      child = await launch(port, options.persistDir)
    },
    stop: () => killed(child),
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  }
}
