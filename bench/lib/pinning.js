// CPU pinning with taskset (util-linux): the server on one core, the load generator on another,
// so the two stop trading places on the same core. Falls back to unpinned, with the reason.
import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

export const SERVER_CPU = 1
export const CLIENT_CPU = 0

function taskset(args) {
  return execFileSync('taskset', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** `{ on: true, serverCpu, clientCpu }` when taskset can use both cores, else `{ on: false, note }`. */
export function detectPinning() {
  if (availableParallelism() < 2) return { on: false, note: `only ${availableParallelism()} core available` }
  try {
    // Both cores must be in this process's allowed set (a container's cpuset may exclude one).
    taskset(['-c', String(SERVER_CPU), 'true'])
    taskset(['-c', String(CLIENT_CPU), 'true'])
  } catch (error) {
    const reason = error?.code === 'ENOENT' ? 'taskset not found (util-linux)' : `taskset failed: ${String(error?.stderr ?? error?.message ?? error).trim()}`
    return { on: false, note: reason }
  }
  return { on: true, serverCpu: SERVER_CPU, clientCpu: CLIENT_CPU }
}

/**
 * Pins every thread of this process to `cpu`; returns a function that restores the previous mask
 * (later parts run unpinned).
 */
export function pinSelf(cpu) {
  const before = /mask:\s*([0-9a-f,]+)/i.exec(taskset(['-p', String(process.pid)]))?.[1]
  taskset(['-a', '-p', '-c', String(cpu), String(process.pid)])
  return () => {
    if (before) taskset(['-a', '-p', before, String(process.pid)])
  }
}
