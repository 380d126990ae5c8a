// http: autocannon against each server in its own process; req/s and server CPU per request
// as shares of the same framework without auth, in interleaved rounds.
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { exportKey, makeKey, signToken } from '../lib/fixtures.js'
import { startChild } from '../lib/children.js'
import { detectPinning, pinSelf } from '../lib/pinning.js'
import { median, quantile, summarize } from '../lib/stats.js'

const SERVER = fileURLToPath(new URL('../servers/http-server.js', import.meta.url))

const BARE = [
  { kind: 'express-bare', framework: 'express', label: 'Express (bare)' },
  { kind: 'koa-bare', framework: 'koa', label: 'Koa (bare)' },
  { kind: 'fastify-bare', framework: 'fastify', label: 'Fastify (bare)' },
  { kind: 'http-bare', framework: 'http', label: 'node:http (bare)' },
]
const AUTH = [
  { kind: 'express-jwt', framework: 'express', label: 'Express + express-jwt' },
  { kind: 'express-oauth2', framework: 'express', label: 'Express + express-oauth2-jwt-bearer' },
  { kind: 'express-floor', framework: 'express', label: 'Express + floor middleware (control)' },
  { kind: 'express-hg', framework: 'express', label: 'Express + hivegate, cache off', hivegate: true },
  { kind: 'express-hg-cache', framework: 'express', label: 'Express + hivegate, cache', hivegate: true },
  { kind: 'koa-jwt', framework: 'koa', label: 'Koa + koa-jwt' },
  { kind: 'koa-floor', framework: 'koa', label: 'Koa + floor middleware (control)' },
  { kind: 'koa-hg', framework: 'koa', label: 'Koa + hivegate, cache off', hivegate: true },
  { kind: 'koa-hg-cache', framework: 'koa', label: 'Koa + hivegate, cache', hivegate: true },
  { kind: 'fastify-floor', framework: 'fastify', label: 'Fastify + floor hook (control)' },
  { kind: 'fastify-hg', framework: 'fastify', label: 'Fastify + hivegate, cache off', hivegate: true },
  { kind: 'fastify-hg-cache', framework: 'fastify', label: 'Fastify + hivegate, cache', hivegate: true },
  { kind: 'http-fastjwt', framework: 'http', label: 'node:http + fast-jwt' },
  { kind: 'http-floor', framework: 'http', label: 'node:http + floor' },
]
export const HTTP_ALGORITHMS = ['HS256', 'RS256']

const quartiles = (values) => [quantile(values, 0.25), quantile(values, 0.75)]

async function cpuMicros(server) {
  const { cpu } = await server.handle.request({ cmd: 'cpu' })
  return cpu.user + cpu.system
}

/** One autocannon run; returns req/s and the server's CPU µs per request. */
async function load(server, seconds, connections) {
  const before = await cpuMicros(server)
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/`,
    connections,
    duration: seconds,
    headers: server.token ? { authorization: `Bearer ${server.token}` } : {},
  })
  const after = await cpuMicros(server)
  const total = result.requests.total
  // Failed requests are counted and shown, not thrown: one flaky server must not void the whole part.
  const failures = result.non2xx + result.errors + result.timeouts
  return { rps: total / result.duration, cpuPerReq: (after - before) / Math.max(total, 1), p50: result.latency.p50, p99: result.latency.p99, failures }
}

/** A server with auth must refuse a request without a token (one that lets everything through would look fast). */
async function checkEnforced(plan) {
  const response = await fetch(`http://127.0.0.1:${plan.port}/`)
  await response.arrayBuffer()
  const expected = plan.kind.endsWith('-bare') ? 200 : 401
  if (response.status !== expected) throw new Error(`${plan.label} ${plan.alg ?? ''}: ${response.status} without a token, expected ${expected}`)
}

async function startServers(log, hivegateReady, pinning) {
  const keys = Object.fromEntries(HTTP_ALGORITHMS.map((alg) => [alg, makeKey(alg)]))
  const plans = [...BARE.map((s) => ({ ...s }))]
  // BENCH_HTTP_ALGS=HS256 narrows a development run to some algorithms.
  const algs = process.env.BENCH_HTTP_ALGS?.split(',').filter((a) => HTTP_ALGORITHMS.includes(a)) ?? HTTP_ALGORITHMS
  for (const alg of algs) {
    for (const s of AUTH) if (!s.hivegate || hivegateReady) plans.push({ ...s, alg, token: signToken(keys[alg]) })
  }
  const token = signToken(keys.HS256)
  // BENCH_HTTP_KINDS=express-bare,express-hg narrows a development run; bare servers and the floor are always kept.
  const only = process.env.BENCH_HTTP_KINDS?.split(',')
  if (only) plans.splice(0, plans.length, ...plans.filter((p) => p.kind.endsWith('-bare') || p.kind.endsWith('-floor') || only.includes(p.kind)))
  for (const plan of plans) {
    plan.handle = startChild(SERVER, [], { cpu: pinning.on ? pinning.serverCpu : undefined })
    const reply = await plan.handle.request({ cmd: 'start', kind: plan.kind, key: plan.alg ? exportKey(keys[plan.alg]) : undefined })
    if (reply.error) throw new Error(`${plan.label}: ${reply.error}`)
    plan.port = reply.port
    if (!plan.token) plan.token = token
    await checkEnforced(plan)
  }
  log(`http: ${plans.length} servers started`)
  return plans
}

/**
 * Each framework's servers run back to back, its bare server first: a share of bare then compares
 * runs seconds apart, not a whole round apart, so a change in background load moves both alike.
 */
function byFramework(servers) {
  const frameworks = BARE.map((s) => s.framework)
  return [...servers].sort((a, b) => frameworks.indexOf(a.framework) - frameworks.indexOf(b.framework))
}

/** Pinning unless BENCH_HTTP_PIN=off (to compare with an unpinned run). */
function pinningFor(log) {
  const pinning = process.env.BENCH_HTTP_PIN === 'off' ? { on: false, note: 'BENCH_HTTP_PIN=off' } : detectPinning()
  log(pinning.on ? `http: servers on CPU ${pinning.serverCpu}, autocannon on CPU ${pinning.clientCpu}` : `http: unpinned (${pinning.note})`)
  return pinning
}

export async function run({ rounds, seconds, warmupSeconds, connections, log, hivegateReady }) {
  const pinning = pinningFor(log)
  // autocannon runs in this process: pin it (all its threads) for the part, then restore the mask.
  const unpin = pinning.on ? pinSelf(pinning.clientCpu) : () => {}
  let servers = []
  try {
    servers = await startServers(log, hivegateReady, pinning)
    for (const server of servers) await load(server, warmupSeconds, connections)
    const samples = new Map(servers.map((s) => [s, []]))
    const order = byFramework(servers)
    for (let round = 0; round < rounds; round++) {
      for (const server of order) samples.get(server).push(await load(server, seconds, connections))
      log(`http round ${round + 1}/${rounds} done`)
    }
    const bareOf = (server) => servers.find((s) => s.kind === `${server.framework}-bare`)
    const floorOf = (alg) => servers.find((s) => s.kind === 'http-floor' && s.alg === alg)
    const authCpu = (server, round) => samples.get(server)[round].cpuPerReq - samples.get(bareOf(server))[round].cpuPerReq
    const rows = servers.map((server) => {
      const own = samples.get(server)
      const bare = samples.get(bareOf(server))
      const row = {
        kind: server.kind,
        label: server.label,
        framework: server.framework,
        alg: server.alg ?? null,
        hivegate: Boolean(server.hivegate),
        rps: summarize(own.map((s) => s.rps)),
        cpuPerReqMicros: summarize(own.map((s) => s.cpuPerReq)),
        p99Ms: median(own.map((s) => s.p99)),
        failures: own.reduce((sum, s) => sum + s.failures, 0),
        shareOfBare: median(own.map((s, i) => s.rps / bare[i].rps)),
        shareOfBareIqr: quartiles(own.map((s, i) => s.rps / bare[i].rps)),
      }
      if (server.alg) {
        row.authCpuMicros = median(own.map((_, i) => authCpu(server, i)))
        row.authCpuToFloor = median(own.map((_, i) => authCpu(server, i) / authCpu(floorOf(server.alg), i)))
        row.authCpuToFloorIqr = quartiles(own.map((_, i) => authCpu(server, i) / authCpu(floorOf(server.alg), i)))
        const sameFloor = servers.find((s) => s.kind === `${server.framework}-floor` && s.alg === server.alg)
        if (sameFloor) row.authCpuToSameFrameworkFloor = median(own.map((_, i) => authCpu(server, i) / authCpu(sameFloor, i)))
      }
      return row
    })
    return { rounds, seconds, connections, pinning, rows }
  } finally {
    await Promise.all(servers.map((s) => s.handle.stop()))
    unpin()
  }
}
