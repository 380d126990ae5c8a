// access: how fast a revocation reaches other gateway processes (Redis and SQLite), and what a
// registry on Redis costs per request beside the SQLite default (same run, interleaved).
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { loadAccess, loadCore } from '../lib/hivegate.js'
import { headerPool } from '../lib/pipeline.js'
import { measureSync } from '../lib/measure.js'
import { median, quantile } from '../lib/stats.js'
import { startRedis } from '../lib/redis.js'
import { servePropagation } from '../lib/serve-cluster.js'

const INSTANCE = fileURLToPath(new URL('../lib/access-instance.js', import.meta.url))
const now = () => performance.timeOrigin + performance.now()

function startInstance(kind, where) {
  const child = spawn(process.execPath, [INSTANCE, kind, where], { stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = new Map()
  const lines = createInterface({ input: child.stdout })
  const ready = new Promise((resolve) => lines.once('line', resolve))
  lines.on('line', (line) => {
    const [jti, at] = line.split(' ')
    waiting.get(jti)?.(Number(at))
  })
  return {
    ready,
    arrival: (jti) => new Promise((resolve) => waiting.set(jti, resolve)),
    stop: () => new Promise((resolve) => (child.once('exit', resolve), child.stdin.end())),
  }
}

async function propagation(access, kind, where, samples) {
  const store = kind === 'redis' ? access.createRedisStore(where, { create: true }) : access.createSqliteStore(where)
  const registry = await access.createAccessRegistry({ store, operatorKey: 'A'.repeat(43), issuer: 'platform.example' })
  await registry.createSecret({}, 'bench')
  const others = [startInstance(kind, where), startInstance(kind, where)]
  await Promise.all(others.map((o) => o.ready))
  const delays = []
  for (let i = 0; i < samples; i++) {
    const { record } = await registry.createToken({ name: `t${i}` }, 'bench')
    const arrivals = others.map((o) => o.arrival(record.id))
    const start = now()
    await registry.revokeToken(record.id, 'bench')
    for (const at of await Promise.all(arrivals)) delays.push(at - start)
  }
  await Promise.all(others.map((o) => o.stop()))
  await registry.close()
  await store.close()
  return { samples: delays.length, p50: median(delays), p99: quantile(delays, 0.99), max: Math.max(...delays) }
}

async function requestCost(access, core, stores, { rounds, sliceMs }) {
  const made = []
  for (const [label, store] of stores) {
    const registry = await access.createAccessRegistry({ store, operatorKey: 'A'.repeat(43), issuer: 'platform.example' })
    if (registry.listSecrets().length === 0) await registry.createSecret({}, 'bench')
    const { value } = await registry.createToken({ name: `cost-${label}-${Date.now()}`, tnd: 'tenant-1' }, 'bench')
    const verifier = core.createVerifier({ issuer: 'platform.example', keys: registry.keys, revocations: registry.revocations, isRevoked: registry.isRevoked, cache: false })
    const pool = headerPool(value)
    let i = 0
    made.push({ label, registry, store, fn: () => verifier.verifySync(pool[i++ & 1023].slice(7), 'bearer') })
  }
  for (const m of made) measureSync(m.fn, undefined, sliceMs, 64)
  const rates = made.map(() => [])
  for (let round = 0; round < rounds; round++) made.forEach((m, k) => rates[k].push(measureSync(m.fn, undefined, sliceMs, 64)))
  const ratios = rates[1].map((r, k) => r / rates[0][k])
  for (const m of made) {
    await m.registry.close()
    await m.store.close()
  }
  return { rows: made.map((m, k) => ({ label: m.label, opsPerSec: median(rates[k]) })), redisToSqlite: median(ratios), redisToSqliteIqr: [quantile(ratios, 0.25), quantile(ratios, 0.75)] }
}

export async function run({ samples, rounds, sliceMs, log }) {
  const [access, core] = await Promise.all([loadAccess(), loadCore()])
  if (typeof access.createAccessRegistry !== 'function') throw new Error('@hivegate/access is not built')
  const redis = await startRedis()
  if (redis === null) throw new Error('redis-server is not installed (apt-get install redis-server)')
  try {
    const dir = mkdtempSync(join(tmpdir(), 'hivegate-bench-access-'))
    log('access: propagation over Redis')
    const viaRedis = await propagation(access, 'redis', redis.url, samples)
    log('access: propagation through three hivegate serve processes (Redis)')
    const serveDelays = await servePropagation(redis.url, Math.min(samples, 100), now)
    const viaServe = { samples: serveDelays.length, p50: median(serveDelays), p99: quantile(serveDelays, 0.99), max: Math.max(...serveDelays) }
    log('access: propagation over SQLite')
    const viaSqlite = await propagation(access, 'sqlite', join(dir, 'propagation.db'), Math.min(samples, 50))
    log('access: request cost')
    const cost = await requestCost(access, core, [
      ['SQLite', access.createSqliteStore(join(dir, 'cost.db'))],
      ['Redis', access.createRedisStore(redis.url, { prefix: 'cost:', create: true })],
    ], { rounds, sliceMs })
    return { samples, redis: viaRedis, serve: viaServe, sqlite: viaSqlite, cost }
  } finally {
    await redis.stop()
  }
}
