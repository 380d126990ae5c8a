// verify: single-token verification, every contender interleaved, ratios to the floor.
import { ALGORITHMS, makeKey, signToken } from '../lib/fixtures.js'
import { verifyContenders, claimsOf } from '../lib/contenders.js'
import { freshToken, headerPool, pipelineContenders } from '../lib/pipeline.js'
import { calibrate, measure } from '../lib/measure.js'
import { median, quantile, summarize } from '../lib/stats.js'

const quartiles = (values) => [quantile(values, 0.25), quantile(values, 0.75)]

async function checkAccepts(contender, token) {
  if (contender.noClaims) return
  const claims = claimsOf(await contender.fn(token))
  if (claims?.tnd !== 'tenant-1') throw new Error(`${contender.label} did not return the token's claims`)
}

/** Runs one algorithm: warm-up, then `rounds` rounds of A B C … each for `sliceMs`. */
async function runAlgorithm(alg, config) {
  const key = makeKey(alg)
  const token = signToken(key)
  const { list, hivegate } = await verifyContenders(key, token)
  // Every contender gets the same token content as a fresh string each call, as in a server.
  const fresh = list.map((c) => ({ ...c, fn: freshToken(c.fn) }))
  const { rows } = await runContenders(`verify ${alg}`, fresh, headerPool(token), config)
  return { alg, rows, hivegateUnavailable: hivegate }
}

async function runContenders(name, list, token, { rounds, sliceMs, warmupMs, log }) {
  const batches = new Map()
  for (const contender of list) {
    await checkAccepts(contender, token)
    batches.set(contender.id, await calibrate(contender, token, warmupMs))
  }
  const samples = new Map(list.map((c) => [c.id, []]))
  const ratios = new Map(list.map((c) => [c.id, []]))
  for (let round = 0; round < rounds; round++) {
    const rates = new Map()
    for (const contender of list) rates.set(contender.id, await measure(contender, token, sliceMs, batches.get(contender.id)))
    for (const contender of list) {
      samples.get(contender.id).push(rates.get(contender.id))
      ratios.get(contender.id).push(rates.get(contender.id) / rates.get('floor'))
    }
    log(`${name} round ${round + 1}/${rounds}: floor ${Math.round(rates.get('floor'))} ops/s`)
  }
  const rows = list.map((c) => ({
    id: c.id,
    label: c.label,
    group: c.group,
    hivegate: Boolean(c.hivegate),
    opsPerSec: summarize(samples.get(c.id)),
    ratioToFloor: median(ratios.get(c.id)),
    ratioToFloorIqr: quartiles(ratios.get(c.id)),
    ratioToFloorMap: median(samples.get(c.id).map((v, i) => v / samples.get('floorMap')[i])),
    ratioToFloorMapIqr: quartiles(samples.get(c.id).map((v, i) => v / samples.get('floorMap')[i])),
  }))
  return { rows, samples }
}

/** Median and IQR of the per-round time ratio of `with` to `without` (1.01 = 1 % slower). */
function costRatio(samples, without, withIt) {
  const a = samples.get(without)
  const b = samples.get(withIt)
  if (a === undefined || b === undefined) return undefined
  const ratios = a.map((rate, i) => rate / b[i])
  return { median: median(ratios), iqr: quartiles(ratios) }
}

/** HS256 through the request pipeline: fresh token strings, resolver, authenticator. */
async function runPipeline(config) {
  const key = makeKey('HS256')
  const token = signToken(key)
  const pool = headerPool(token)
  const list = await pipelineContenders(key, token)
  const { rows, samples } = await runContenders('pipeline HS256', list, pool, config)
  return { alg: 'HS256', rows, throttleCost: costRatio(samples, 'authEagerCache', 'authEagerCacheThrottle'), throttleHeldCost: costRatio(samples, 'authEagerCache', 'authEagerCacheThrottleHeld') }
}

export async function run(config) {
  const results = []
  for (const alg of ALGORITHMS) results.push(await runAlgorithm(alg, config))
  const pipeline = await runPipeline(config)
  return { rounds: config.rounds, sliceMs: config.sliceMs, algorithms: results, pipeline }
}
