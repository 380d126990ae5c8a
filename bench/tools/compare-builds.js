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
import { verdict } from '../lib/compare.js'
import { measure } from '../lib/measure.js'
import { headerPool } from '../lib/pipeline.js'
import { quantile } from '../lib/stats.js'
import { proofFor, viewOf } from '../parts/dpop.js'

const SELF = fileURLToPath(import.meta.url)

// ops/ms of one row over `ms`, in the verify part's loops; `fn` gets a call counter.
async function rate(row, ms) {
  return (await measure({ fn: row.fn, async: row.awaited }, undefined, ms, 256)) / 1000
}

// The rows, each { name, fn, awaited? }; a fresh token string per call, as a server receives it.
async function rows(core) {
  const hs = makeKey('HS256')
  const rs = makeKey('RS256')
  const hsPool = headerPool(signToken(hs))
  const rsPool = headerPool(signToken(rs))
  let calls = 0
  const fresh = (pool) => pool[calls++ & 1023].slice(7)
  const view = (pool) => ({ headers: { authorization: pool[calls++ & 1023] }, method: 'GET', remoteAddress: '10.0.0.1' })
  const floor = createFloor('HS256', hs.verifyKey)
  const list = [{ name: 'HS256 floor', fn: () => floor(fresh(hsPool)) }]
  for (const [alg, key, pool] of [['HS256', hs, hsPool], ['RS256', rs, rsPool]]) {
    const uncached = core.createVerifier(verifierOptions(key, { cache: false }))
    const cached = core.createVerifier(verifierOptions(key))
    list.push({ name: `${alg} verifySync, cache off`, fn: () => uncached.verifySync(fresh(pool)) })
    list.push({ name: `${alg} verifySync, cache`, fn: () => cached.verifySync(fresh(pool)) })
  }
  const uncached = core.createVerifier(verifierOptions(hs, { cache: false }))
  list.push({ name: 'HS256 verify (awaited), cache off', fn: () => uncached.verify(fresh(hsPool)), awaited: true })
  for (const [label, extra] of [['cache off', { cache: false }], ['cache', {}], ['cache, throttle on', { throttle: {} }]]) {
    const authenticator = core.createAuthenticator({ ...verifierOptions(hs), ...extra })
    list.push({ name: `HS256 authenticateEager(view), ${label}`, fn: () => authenticator.authenticateEager(view(hsPool)) })
  }
  const es = makeKey('ES256')
  const jwk = es.verifyKey.export({ format: 'jwk' })
  const bound = signToken(hs, claims({ cnf: { jkt: await calculateJwkThumbprint(jwk, 'sha256') } }))
  const dpop = core.createAuthenticator({ ...verifierOptions(hs), dpop: { mode: 'required', maxProofAge: 86_400, replayStore: { add: () => true } } })
  const proof = proofFor(es, jwk, bound)
  list.push({ name: 'DPoP, ES256 proof', fn: () => dpop.authenticateSync(viewOf(`DPoP ${bound}`, proof)) })
  return list
}

// One build in this process: ops/ms per row, the median of interleaved rounds.
async function child(coreEntry) {
  const list = await rows(await import(pathToFileURL(coreEntry).href))
  for (const row of list) await rate(row, 200)
  const samples = list.map(() => [])
  for (let round = 0; round < 15; round++) {
    for (let j = 0; j < list.length; j++) samples[j].push(await rate(list[j], 40))
  }
  const floorAt = samples[0]
  const out = {}
  list.forEach((row, j) => {
    out[row.name] = { opsPerMs: quantile(samples[j], 0.5), toFloor: quantile(samples[j].map((v, k) => v / floorAt[k]), 0.5) }
  })
  process.stdout.write(JSON.stringify(out))
}

// The runs of one build as compare.js reads a figure: median and quartiles, higher is better.
const figure = (values) => ({ median: quantile(values, 0.5), iqr: [quantile(values, 0.25), quantile(values, 0.75)], higher: true })

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
    console.log(`| ${name} | ${fmt(b)} | ${fmt(a)} | ${((quantile(a, 0.5) / quantile(b, 0.5) - 1) * 100).toFixed(1)} % | ${floorCol} | ${b.length < 3 ? '— (fewer than 3 runs)' : verdict(figure(b), figure(a)).replace('worse', '**worse**')} |`)
  }
}

if (process.argv[2] === '--child') await child(process.argv[3])
else await main(process.argv.slice(2))
