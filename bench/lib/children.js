// Child processes that talk over IPC: start one, wait for a reply, stop it.
import { fork } from 'node:child_process'

/**
 * Forks `path` (no inherited loader flags) and returns a small request/reply handle. With `cpu`,
 * the child runs under `taskset -c <cpu>` (taskset execs node, which keeps the IPC channel).
 */
export function startChild(path, execArgv = [], { cpu } = {}) {
  const options = { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }
  if (cpu !== undefined) Object.assign(options, { execPath: 'taskset', execArgv: ['-c', String(cpu), process.execPath, ...execArgv] })
  const child = fork(path, [], options)
  const waiting = []
  child.on('message', (message) => waiting.shift()?.resolve(message))
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`${path} exited with ${code}`))
  })
  return {
    child,
    request(message, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${path}: no reply to ${message.cmd}`)), timeoutMs)
        waiting.push({
          resolve: (value) => (clearTimeout(timer), resolve(value)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        })
        child.send(message)
      })
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', resolve)
        child.disconnect()
      })
    },
  }
}
