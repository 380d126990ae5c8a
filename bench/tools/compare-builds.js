// Two builds of @hivegate/core, row by row, in one-process loops (the verify part's hot paths):
//   node bench/tools/compare-builds.js <before checkout> <after checkout> [runs]
// Each checkout must have run `npm run build`. Every run starts a fresh process per build, the two
// alternating, so neither inherits the other's JIT state and a slow spell of the machine hits both.
// Prints a Markdown table: the median over runs of each row's ops/ms (uncached rows also as a
// ratio to the floor measured in the same process), and "worse"/"better" as in --baseline.
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { calculateJwkThumbprint } from 'jose'
import { claims, makeKey, signToken } from '../lib/fixtures.js'
import { createFloor } from '../lib/floor.js'
import { verifierOptions } from '../lib/hivegate.js'
import { headerPool } from '../lib/pipeline.js'
import { quantile } from '../lib/stats.js'

const SELF = fileURLToPath(import.meta.url)
let sink

function rate(fn, ms) {
  const start = performance.now()
  let ops = 0
  let now
  do {
    for (let i = 0; i < 256; i++) sink = fn(i)
    ops += 256
    now = performance.now()
  } while (now - start < ms)
  return ops / (now - start)
}

async function awaitedRate(fn, ms) {
  const start = performance.now()
  let ops = 0
  let now
  do {
    for (let i = 0; i < 256; i++) sink = await fn(i)
    ops += 256
    now = performance.now()
  } while (now - start < ms)
  return ops / (now - start)
}

// The rows, each { name, fn, awaited? }; a fresh token string per call, as a server receives it.
async function rows(core) {
  const hs = makeKey('HS256')
  const rs = makeKey('RS256')
  const hsPool = headerPool(signToken(hs))
  const rsPool = headerPool(signToken(rs))
  const fresh = (pool, i) => pool[i & 1023].slice(7)
  const view = (pool, i) => ({ headers: { authorization: pool[i & 1023] }, method: 'GET', remoteAddress: '10.0.0.1' })
  const floor = createFloor('HS256', hs.verifyKey)
  const list = [{ name: 'HS256 floor', fn: (i) => floor(fresh(hsPool, i)) }]
  for (const [alg, key, pool] of [['HS256', hs, hsPool], ['RS256', rs, rsPool]]) {
    const uncached = core.createVerifier(verifierOptions(key, { cache: false }))
    const cached = core.createVerifier(verifierOptions(key))
    list.push({ name: `${alg} verifySync, cache off`, fn: (i) => uncached.verifySync(fresh(pool, i)) })
    list.push({ name: `${alg} verifySync, cache`, fn: (i) => cached.verifySync(fresh(pool, i)) })
  }
  const uncached = core.createVerifier(verifierOptions(hs, { cache: false }))
  list.push({ name: 'HS256 verify (awaited), cache off', fn: (i) => uncached.verify(fresh(hsPool, i)), awaited: true })
  for (const [label, extra] of [['cache off', { cache: false }], ['cache', {}], ['cache, throttle on', { throttle: {} }]]) {
    const authenticator = core.createAuthenticator({ ...verifierOptions(hs), ...extra })
    list.push({ name: `HS256 authenticateEager(view), ${label}`, fn: (i) => authenticator.authenticateEager(view(hsPool, i)) })
  }
  const es = makeKey('ES256')
  const jwk = es.verifyKey.export({ format: 'jwk' })
  const bound = signToken(hs, claims({ cnf: { jkt: await calculateJwkThumbprint(jwk, 'sha256') } }))
  const dpop = core.createAuthenticator({ ...verifierOptions(hs), dpop: { mode: 'required', maxProofAge: 86_400, replayStore: { add: () => true } } })
  const proof = (await import('../parts/dpop.js')).proofFor(es, jwk, bound)
  const headers = { host: 'api.example', authorization: `DPoP ${bound}`, dpop: proof }
  list.push({ name: 'DPoP, ES256 proof', fn: () => dpop.authenticateSync({ headers, rawHeaders: Object.entries(headers).flat(), method: 'GET', url: '/things/1?page=2', protocol: 'https' }) })
  return list
}

// One build in this process: ops/ms per row, the median of interleaved rounds.
async function child(coreEntry) {
  const list = await rows(await import(pathToFileURL(coreEntry).href))
  for (const row of list) await (row.awaited ? awaitedRate(row.fn, 200) : rate(row.fn, 200))
  const samples = list.map(() => [])
  for (let round = 0; round < 15; round++) {
    for (let j = 0; j < list.length; j++) samples[j].push(await (list[j].awaited ? awaitedRate(list[j].fn, 40) : rate(list[j].fn, 40)))
  }
  const floorAt = samples[0]
  const out = {}
  list.forEach((row, j) => {
    out[row.name] = { opsPerMs: quantile(samples[j], 0.5), toFloor: quantile(samples[j].map((v, k) => v / floorAt[k]), 0.5) }
  })
  process.stdout.write(JSON.stringify(out))
}

function verdict(before, after) {
  const [b1, b3] = [quantile(before, 0.25), quantile(before, 0.75)]
  const [a1, a3] = [quantile(after, 0.25), quantile(after, 0.75)]
  const [b, a] = [quantile(before, 0.5), quantile(after, 0.5)]
  if (a < b1 && b > a3) return '**worse**'
  return a > b3 && b < a1 ? 'better' : 'within'
}

async function main([before, after, runs = '5']) {
  if (!before || !after) throw new Error('usage: node bench/tools/compare-builds.js <before checkout> <after checkout> [runs]')
  const entry = (dir) => resolve(dir, 'packages/core/dist/index.js')
  const results = { before: [], after: [] }
  for (let run = 0; run < Number(runs); run++) {
    for (const [side, dir] of [['before', before], ['after', after]]) {
      results[side].push(JSON.parse(execFileSync(process.execPath, [SELF, '--child', entry(dir)], { encoding: 'utf8', maxBuffer: 1 << 20 })))
    }
    console.error(`run ${run + 1}/${runs} done`)
  }
  const names = Object.keys(results.before[0])
  const fmt = (values) => `${quantile(values, 0.5).toFixed(0)} (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`
  console.log(`| row | before ops/ms (runs' range) | after ops/ms | change | × floor before → after | verdict |`)
  console.log('|---|---|---|---|---|---|')
  for (const name of names) {
    const b = results.before.map((r) => r[name].opsPerMs)
    const a = results.after.map((r) => r[name].opsPerMs)
    const ratio = (side) => quantile(results[side].map((r) => r[name].toFloor), 0.5).toFixed(3)
    const floorCol = name.startsWith('HS256') && name.endsWith('cache off') ? `${ratio('before')} → ${ratio('after')}` : '—'
    console.log(`| ${name} | ${fmt(b)} | ${fmt(a)} | ${((quantile(a, 0.5) / quantile(b, 0.5) - 1) * 100).toFixed(1)} % | ${floorCol} | ${verdict(b, a)} |`)
  }
}

if (process.argv[2] === '--child') await child(process.argv[3])
else await main(process.argv.slice(2))
