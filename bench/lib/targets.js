// Issue #8's targets, judged against one results object. Each: { part, target, status, measured }.

const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a')
const verdict = (ok) => (ok ? 'MET' : 'MISSED')
const NAMES = { express: 'an Express', koa: 'a Koa', fastify: 'a Fastify', http: 'a node:http' }

/** MET/MISSED on the median; "(noisy)" when the rounds' interquartile range straddles the threshold. */
function judgeAt(value, iqr, threshold, atLeast, extraOk = true) {
  const ok = (atLeast ? value >= threshold : value <= threshold) && extraOk
  const noisy = Array.isArray(iqr) && iqr[0] < threshold && threshold < iqr[1]
  return `${verdict(ok)}${noisy ? ' (noisy)' : ''}`
}
const span = (iqr) => (Array.isArray(iqr) && iqr.every(Number.isFinite) ? ` [rounds IQR ${iqr[0].toFixed(2)}–${iqr[1].toFixed(2)}]` : '')

function verifyTargets(verify) {
  const out = []
  const ids = [
    ['hgSync', 'hgSyncCache', '`verifySync`'],
    ['hg', 'hgCache', '`verify` (awaited; what the adapters call)'],
  ]
  for (const [uncachedId, cachedId, api] of ids) {
    for (const a of verify.algorithms) {
      const row = (id) => a.rows.find((r) => r.id === id)
      if (!row(uncachedId)) continue
      const u = row(uncachedId)
      const fast = row('fastjwt')
      out.push({
        part: 'verify',
        target: `${a.alg} uncached ${api} ≥ 0.9× floor and ahead of fast-jwt`,
        status: judgeAt(u.ratioToFloor, u.ratioToFloorIqr, 0.9, true, u.ratioToFloor > fast.ratioToFloor),
        measured: `${x(u.ratioToFloor)} floor${span(u.ratioToFloorIqr)} (fast-jwt ${x(fast.ratioToFloor)})`,
      })
      const c = row(cachedId)
      out.push({
        part: 'verify',
        target: `${a.alg} cached ${api}, same token, revocation checked ≥ 0.7× floor + Map cache`,
        status: judgeAt(c.ratioToFloorMap, c.ratioToFloorMapIqr, 0.7, true),
        measured: `${x(c.ratioToFloorMap)} floor+Map${span(c.ratioToFloorMapIqr)}; ${x(c.opsPerSec.median / row('fastjwtCache').opsPerSec.median)} fast-jwt's cache (which is ${x(row('fastjwtCache').ratioToFloorMap)} floor+Map)`,
      })
    }
  }
  return out
}

function httpTargets(http) {
  const out = []
  const row = (kind, alg) => http.rows.find((r) => r.kind === kind && r.alg === alg)
  const share = (kind, alg, min, label) => {
    const r = row(kind, alg)
    // The req/s targets are set for a pinned run; an unpinned one says so next to its number.
    const unpinned = http.pinning?.on ? '' : ', unpinned'
    if (r) out.push({ part: 'http', target: `${label} ${alg} ≥ ${min}× bare req/s`, status: judgeAt(r.shareOfBare, r.shareOfBareIqr, min, true, !r.failures), measured: `${x(r.shareOfBare)} bare${span(r.shareOfBareIqr)}${unpinned}${r.failures ? `, ${r.failures} failed requests` : ''}` })
  }
  share('express-hg', 'HS256', 0.8, 'Express + hivegate, cache off,')
  share('express-hg-cache', 'HS256', 0.95, 'Express + hivegate, cache,')
  share('koa-hg', 'HS256', 0.55, 'Koa + hivegate, cache off,')
  share('koa-hg-cache', 'HS256', 0.9, 'Koa + hivegate, cache,')
  share('express-hg-cache', 'RS256', 0.9, 'Express + hivegate, cache,')
  share('koa-hg-cache', 'RS256', 0.9, 'Koa + hivegate, cache,')
  share('fastify-hg-cache', 'HS256', 0.9, 'Fastify + hivegate, cache,')
  share('fastify-hg-cache', 'RS256', 0.9, 'Fastify + hivegate, cache,')
  for (const alg of ['HS256', 'RS256']) {
    for (const [kind, max, what] of [
      ['express-hg', 1.1, 'Express + hivegate, cache off'],
      ['koa-hg', 1.1, 'Koa + hivegate, cache off'],
      ['express-hg-cache', 0.1, 'Express + hivegate, cache'],
      ['koa-hg-cache', 0.1, 'Koa + hivegate, cache'],
    ]) {
      const r = row(kind, alg)
      if (!r) continue
      out.push({
        part: 'http',
        target: `${what} ${alg}: auth CPU per request ≤ ${max}× the floor's`,
        status: judgeAt(r.authCpuToFloor, r.authCpuToFloorIqr, max, false, !r.failures),
        measured: `${x(r.authCpuToFloor)}${span(r.authCpuToFloorIqr)} (${r.authCpuMicros.toFixed(1)} µs vs floor on node:http ${row('http-floor', alg).authCpuMicros.toFixed(1)} µs; ${x(r.authCpuToSameFrameworkFloor)} the floor as ${NAMES[r.framework]} middleware)`,
      })
    }
  }
  return out
}

function jwksTargets(jwks) {
  const hg = jwks.scenarios.find((s) => s.name === 'hivegate')
  if (!hg) return []
  return [
    { part: 'jwks', target: '1000 concurrent verifications needing a new kid (cold start) → 1 fetch', status: verdict(hg.cold.fetches === 1 && hg.cold.accepted === 1000), measured: `${hg.cold.fetches} fetch, ${hg.cold.accepted}/1000 accepted` },
    { part: 'jwks', target: '1000 concurrent verifications of a rotated-in kid → 1 fetch', status: verdict(hg.rotation.fetches === 1 && hg.rotation.accepted === 1000), measured: `${hg.rotation.fetches} fetch, ${hg.rotation.accepted}/1000 accepted` },
    { part: 'jwks', target: '10,000 tokens with random unknown kids → ≤ 1 fetch per cooldown period', status: verdict(hg.unknownKids.maxFetchesPerCooldown <= 1), measured: `max ${hg.unknownKids.maxFetchesPerCooldown} per ${hg.unknownKids.cooldownMs} ms window; ${hg.unknownKids.fetches} fetches over ${hg.unknownKids.periods} periods` },
  ]
}

function oversizeTargets(oversize) {
  return oversize.rows
    .filter((r) => r.hivegate)
    .map((r) => ({ part: 'oversize', target: `${r.label}: refusing a 1 MB token < 10× verifying a valid one`, status: verdict(r.refuseCostRatio < 10), measured: `${x(r.refuseCostRatio)}` }))
}

function wsTargets(ws) {
  const extra = (ws.hivegate.heapPerConn - ws.plain.heapPerConn) / 1024
  const extraRss = (ws.hivegate.rssPerConn - ws.plain.rssPerConn) / 1024
  return [
    { part: 'ws', target: `${ws.connections} connections authenticate by auth message: time until all trusted (report)`, status: 'REPORTED', measured: `${Math.round(ws.hivegate.connectMs + ws.hivegate.authMs)} ms (${(( ws.hivegate.connectMs + ws.hivegate.authMs) / ws.plain.connectMs).toFixed(2)}× the time plain ws takes to open as many)` },
    { part: 'ws', target: 'memory per quarantined connection above plain ws < 10 KB (aim)', status: verdict(extra < 10), measured: `heap +${extra.toFixed(1)} KB, RSS +${extraRss.toFixed(1)} KB` },
  ]
}

export function judge(input) {
  const results = Object.fromEntries(Object.entries(input).filter(([, part]) => !part.failed))
  const failed = Object.entries(input).filter(([, part]) => part.failed).map(([name]) => ({ part: name, target: 'every target of this part', status: 'NOT MEASURED', measured: 'the part failed' }))
  return [
    ...failed,
    ...(results.verify ? verifyTargets(results.verify) : []),
    ...(results.http ? httpTargets(results.http) : []),
    ...(results.jwks ? jwksTargets(results.jwks) : []),
    ...(results.oversize ? oversizeTargets(results.oversize) : []),
    ...(results.ws ? wsTargets(results.ws) : []),
  ]
}
