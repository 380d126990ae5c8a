// `npm run bench [-- part …] [-- --quick] [-- --baseline=file]`: runs the parts asked for (default
// all), merges them into bench/results.json and rewrites bench/RESULTS.md. `--render` only rewrites
// RESULTS.md. `--baseline` compares every row with an earlier results.json (kept where it is).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { machine } from './lib/machine.js'
import { render } from './lib/report.js'
import { loadCore, loadExpress, loadFastify, loadKoa } from './lib/hivegate.js'

const PARTS = ['verify', 'http', 'jwks', 'oversize', 'ws', 'socketio', 'access', 'dpop']
const RESULTS_JSON = fileURLToPath(new URL('results.json', import.meta.url))
const RESULTS_MD = fileURLToPath(new URL('RESULTS.md', import.meta.url))
const NOTES = fileURLToPath(new URL('NOTES.md', import.meta.url))
const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const asked = args.filter((a) => !a.startsWith('--'))
const baselineArg = args.find((a) => a.startsWith('--baseline='))?.slice('--baseline='.length)
if (baselineArg !== undefined && !existsSync(baselineArg)) throw new Error(`--baseline: no file at ${baselineArg}`)
for (const a of asked) if (!PARTS.includes(a)) throw new Error(`unknown part "${a}"; parts: ${PARTS.join(', ')}`)
const parts = asked.length > 0 ? PARTS.filter((p) => asked.includes(p)) : PARTS

const started = Date.now()
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`)

/** Sizes of each part: the full run fits in 10 minutes on 2 cores; --quick is for trying the harness. */
const CONFIG = {
  verify: quick ? { rounds: 3, sliceMs: 60, warmupMs: 60 } : { rounds: 10, sliceMs: 120, warmupMs: 300 },
  http: quick ? { rounds: 1, seconds: 1, warmupSeconds: 0.5, connections: 50 } : { rounds: 5, seconds: 2, warmupSeconds: 1, connections: 50 },
  jwks: { cooldown: 300, tokens: 10_000, spreadMs: quick ? 1000 : 2000 },
  oversize: quick ? { rounds: 3, sliceMs: 60, warmupMs: 60 } : { rounds: 5, sliceMs: 200, warmupMs: 200 },
  ws: { connections: quick ? 1000 : 10_000, inFlight: 100 },
  socketio: { connections: quick ? 300 : 2000, inFlight: 50, rounds: quick ? 1 : 3 },
  access: quick ? { samples: 30, rounds: 3, sliceMs: 60 } : { samples: 200, rounds: 10, sliceMs: 150 },
  dpop: quick ? { rounds: 3, sliceMs: 60, warmupMs: 60 } : { rounds: 10, sliceMs: 120, warmupMs: 300 },
}

async function hivegateReady() {
  const [core, express, koa, fastify] = await Promise.all([loadCore(), loadExpress(), loadKoa(), loadFastify()])
  const missing = [['@hivegate/core', core.createVerifier], ['@hivegate/express', express.hivegate], ['@hivegate/koa', koa.hivegate], ['@hivegate/fastify', fastify.hivegate]].filter(([, fn]) => typeof fn !== 'function')
  if (missing.length > 0) log(`not built, measured without hivegate: ${missing.map(([n]) => n).join(', ')}`)
  return missing.length === 0
}

// The baseline is named in results.json (relative to bench/), so `--render` compares again.
function withBaseline(results) {
  if (baselineArg !== undefined) results.baseline = { file: relative(BENCH_DIR, resolve(baselineArg)) }
  return results
}

function renderFile(results) {
  const file = results.baseline?.file
  const baseline = file === undefined ? undefined : { file, results: JSON.parse(readFileSync(resolve(BENCH_DIR, file), 'utf8')) }
  writeFileSync(RESULTS_MD, render(results, NOTES, baseline))
}

if (args.includes('--render')) {
  // Rewrites RESULTS.md from results.json and NOTES.md, measuring nothing.
  renderFile(withBaseline(JSON.parse(readFileSync(RESULTS_JSON, 'utf8'))))
  log(`rendered ${RESULTS_MD}`)
  process.exit(0)
}

const results = withBaseline(existsSync(RESULTS_JSON) && parts.length < PARTS.length ? JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) : {})
const ready = await hivegateReady()
for (const part of parts) {
  log(`${part}: start`)
  const { run } = await import(`./parts/${part}.js`)
  const snapshot = machine()
  try {
    results[part] = { ...(await run({ ...CONFIG[part], log, hivegateReady: ready })), machine: snapshot, quick, elapsedSeconds: Math.round((Date.now() - started) / 1000) }
  } catch (error) {
    // One broken part must not cost the others their results; RESULTS.md says it failed.
    log(`${part}: FAILED ${error?.stack ?? error}`)
    results[part] = { failed: String(error?.message ?? error), machine: snapshot, quick }
    process.exitCode = 1
  }
  writeFileSync(RESULTS_JSON, `${JSON.stringify(results, null, 2)}\n`)
  renderFile(results)
  log(`${part}: done`)
}
log(`wrote ${RESULTS_MD}`)
