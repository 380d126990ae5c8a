// Compares two results objects row by row, on the within-run ratios (absolute rates move with the machine).
import { quantile } from './stats.js'

/**
 * One comparable figure of a results object: { key, part, row, metric, median, iqr, higher }.
 * `higher` is true when a larger value is better; `iqr` is [q1, q3] of the per-round values, or
 * undefined when the part keeps a single sample.
 */
function figures(results) {
  const out = []
  const add = (part, key, row, metric, median, iqr, higher) => {
    if (Number.isFinite(median)) out.push({ key: `${part}/${key}/${metric}`, part, row, metric, median, iqr: Array.isArray(iqr) ? iqr : undefined, higher })
  }
  const verify = results.verify
  for (const a of verify?.algorithms ?? []) {
    for (const r of a.rows) {
      // The floor and the floor + Map rows are the denominators: 1.00× by definition.
      if (r.id === 'floor' || r.id === 'floorMap') continue
      if (r.group === 'cache') add('verify', `${a.alg}/${r.id}`, `${a.alg}: ${r.label}`, '× floor + Map', r.ratioToFloorMap, r.ratioToFloorMapIqr, true)
      else add('verify', `${a.alg}/${r.id}`, `${a.alg}: ${r.label}`, '× floor', r.ratioToFloor, r.ratioToFloorIqr, true)
    }
  }
  const pipeline = verify?.pipeline
  for (const r of pipeline?.rows ?? []) {
    if (r.id !== 'floor') add('verify', `pipeline/${r.id}`, `pipeline: ${r.label}`, '× floor', r.ratioToFloor, r.ratioToFloorIqr, true)
  }
  if (pipeline?.throttleCost) add('verify', 'pipeline/throttle', 'pipeline: failure throttle on an accepted request', 'time ×', pipeline.throttleCost.median, pipeline.throttleCost.iqr, false)
  if (pipeline?.throttleHeldCost) add('verify', 'pipeline/throttleHeld', 'pipeline: failure throttle, 1000 keys held', 'time ×', pipeline.throttleHeldCost.median, pipeline.throttleHeldCost.iqr, false)
  for (const r of results.http?.rows ?? []) {
    if (r.alg) add('http', `${r.alg}/${r.kind}`, `${r.alg}: ${r.label}`, 'share of bare', r.shareOfBare, r.shareOfBareIqr, true)
  }
  for (const r of results.oversize?.rows ?? []) add('oversize', r.id, r.label, 'refusal × valid', r.refuseCostRatio, undefined, false)
  const ws = results.ws
  if (ws?.plain && ws.hivegate) add('ws', 'all-trusted', 'open + authenticate all, against plain open', 'time ×', (ws.hivegate.connectMs + ws.hivegate.authMs) / ws.plain.connectMs, undefined, false)
  const io = results.socketio
  if (io?.ratios) add('socketio', 'connect', 'hivegate io.use() against bare socket.io', 'connections/s ×', io.ratio, [quantile(io.ratios, 0.25), quantile(io.ratios, 0.75)], true)
  const cost = results.access?.cost
  if (cost) add('access', 'redis-to-sqlite', 'registry request cost: Redis against SQLite', 'ops/s ×', cost.redisToSqlite, cost.redisToSqliteIqr, true)
  for (const r of results.dpop?.rows ?? []) {
    if (r.id !== 'bearer') add('dpop', r.id, r.label, 'time × Bearer', r.costToBearer, r.costToBearerIqr, false)
  }
  return out
}

/**
 * Worse means both runs' spreads agree: the new median lies beyond the old interquartile range on
 * the bad side, and the old median beyond the new range on the good side. Without IQRs: no verdict.
 */
export function verdict(before, after) {
  if (before.iqr === undefined || after.iqr === undefined) return 'single sample'
  const [b1, b3] = before.iqr
  const [a1, a3] = after.iqr
  const worse = before.higher ? after.median < b1 && before.median > a3 : after.median > b3 && before.median < a1
  const better = before.higher ? after.median > b3 && before.median < a1 : after.median < b1 && before.median > a3
  return worse ? 'worse' : better ? 'better' : 'within'
}

/** Rows present in both runs, each { part, row, metric, before, after, change, verdict }. */
export function compare(baseline, results) {
  const old = new Map(figures(baseline).map((f) => [f.key, f]))
  const rows = []
  for (const after of figures(results)) {
    const before = old.get(after.key)
    if (before === undefined) continue
    rows.push({ part: after.part, row: after.row, metric: after.metric, before, after, change: after.median / before.median - 1, verdict: verdict(before, after) })
  }
  return rows
}
