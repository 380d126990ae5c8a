// Renders results.json as RESULTS.md: machine, targets, then one section per part.
import { existsSync, readFileSync } from 'node:fs'
import { judge } from './targets.js'
import { compare } from './compare.js'

const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—')
const int = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—')
const pct = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} %` : '—')
const us = (v) => (Number.isFinite(v) ? v.toFixed(1) : '—')
const kb = (v) => (Number.isFinite(v) ? (v / 1024).toFixed(1) : '—')

function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

function machineLine(m) {
  return `${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, fd limit ${m.fdLimit}; load average at start ${m.loadavg.join(' / ')}`
}

function verifySection(v) {
  const out = [
    '## verify: one token, one process',
    `${v.rounds} interleaved rounds (A B C … A B C …) of ${v.sliceMs} ms per contender after a warm-up; ops/s median and IQR; ` +
      '"× floor" is the median over rounds of the contender/floor ratio within the same round. "Same token": every call gets the same ' +
      'token content as a fresh string (sliced from one of 1024 distinct header strings), as a server receives it, so a cache pays ' +
      'for hashing the token on every hit; the pipeline table below also shows the same string object reused (hash kept by V8).',
  ]
  for (const a of v.algorithms) {
    out.push(`\n### ${a.alg}${a.hivegateUnavailable ? ` (hivegate not measured: ${a.hivegateUnavailable})` : ''}`)
    out.push(table(['contender', 'ops/s (median)', 'IQR', '× floor', '× floor + Map'], a.rows.map((r) => [
      r.hivegate ? `**${r.label}**` : r.label, int(r.opsPerSec.median), pct(r.opsPerSec.iqrPct), x(r.ratioToFloor), x(r.ratioToFloorMap),
    ])))
  }
  if (v.pipeline) {
    const p = v.pipeline
    out.push(
      '\n### The request pipeline, HS256, in one process',
      'Each call slices the token from one of 1024 distinct `Authorization` header strings, so its hash is not cached and a cache ' +
        'lookup pays for hashing the whole token, as it does in a server. `authenticateEager(view)` is what the adapters run per ' +
        'request (resolver, verifier, origin rule; the AuthContext itself when nothing had to wait), `authenticate(view)` the same as a Promise. "µs/call" is 1 / median ops/s. For cached rows, "time × floor" is the per-request CPU ' +
        'the http target "≤ 0.1× the floor\'s" asks for, without the network and framework noise.',
      table(['step', 'µs/call', 'IQR', '× floor (speed)', 'time × floor', '× floor + Map'], p.rows.map((r) => [
        r.hivegate ? `**${r.label}**` : r.label, (1e6 / r.opsPerSec.median).toFixed(2), pct(r.opsPerSec.iqrPct), x(r.ratioToFloor), x(1 / r.ratioToFloor), x(r.ratioToFloorMap),
      ])),
    )
    const cost = (name, c) => `${name}: time × ${c.median.toFixed(3)} (IQR ${c.iqr[0].toFixed(3)}–${c.iqr[1].toFixed(3)})`
    if (p.throttleCost) {
      out.push(
        '\nFailure throttle on an accepted request (`throttle: {}`, memory store, cached token), per round against the same path without it, goal < 1.02: ' +
          [cost('no failures held', p.throttleCost), p.throttleHeldCost && cost('1000 other keys held', p.throttleHeldCost)].filter(Boolean).join('; ') + '.',
      )
    }
  }
  return out.join('\n')
}

function pinningSentence(p) {
  if (p?.on) return `**Pinned**: each server process runs under \`taskset -c ${p.serverCpu}\`, the autocannon client (the parent process) on CPU ${p.clientCpu}, so they do not trade places on one core; absolute req/s still depend on what else runs on the machine, and the shares mean most.`
  // Results from before pinning existed carry no `pinning`: they ran unpinned.
  return `**Unpinned** (${p?.note ?? 'run before pinning was measured'}): the autocannon client and the server share the cores, so absolute req/s are low and only the shares mean much.`
}

function httpSection(h) {
  const out = [
    '## http: autocannon, one server per child process',
    `${h.connections} connections, ${h.rounds} interleaved rounds of ${h.seconds} s per server after a warm-up run, all on 127.0.0.1; within a round each framework's servers run back to back, its bare server first. ` +
      `${pinningSentence(h.pinning)} ` +
      '"share of bare" is req/s over the same framework without auth in the same round (median of rounds). ' +
      '"server CPU/req" is the server process\'s user+system CPU time divided by the requests it answered; ' +
      '"auth CPU/req" is that minus the bare server\'s; "× floor (node:http)" compares it with node:http + floor in the same round ' +
      '(the issue\'s definition, and the verdicts\'), "× floor (same framework)" with the floor written as a middleware of the same ' +
      'framework (control rows), which shows what the framework\'s context adds to the same work.',
  ]
  const bare = h.rows.filter((r) => !r.alg)
  out.push('\n### Bare servers (the denominators)')
  out.push(table(['server', 'req/s (median)', 'IQR', 'server CPU/req (µs)', 'p99 latency (ms)'], bare.map((r) => [`${r.label}${r.failures ? ` (⚠ ${r.failures} failed requests)` : ''}`, int(r.rps.median), pct(r.rps.iqrPct), us(r.cpuPerReqMicros.median), us(r.p99Ms)])))
  for (const alg of [...new Set(h.rows.filter((r) => r.alg).map((r) => r.alg))]) {
    out.push(`\n### ${alg}`)
    out.push(table(['server', 'share of bare', 'req/s (median)', 'IQR', 'server CPU/req (µs)', 'auth CPU/req (µs)', 'auth CPU × floor (node:http)', 'auth CPU × floor (same framework)', 'p99 (ms)'], h.rows.filter((r) => r.alg === alg).map((r) => [
      `${r.hivegate ? `**${r.label}**` : r.label}${r.failures ? ` (⚠ ${r.failures} failed requests)` : ''}`, x(r.shareOfBare), int(r.rps.median), pct(r.rps.iqrPct), us(r.cpuPerReqMicros.median), us(r.authCpuMicros), x(r.authCpuToFloor), x(r.authCpuToSameFrameworkFloor), us(r.p99Ms),
    ])))
  }
  return out.join('\n')
}

function jwksSection(j) {
  return [
    '## jwks: a local JWKS server counting fetches',
    `ES256 keys. Cold start: 1000 concurrent verifications before any keys are known. Rotation: a second kid appears, then 1000 concurrent verifications of a token signed with it. ` +
      `Unknown kids: 10,000 tokens with random kids sent in 100 batches; cooldown ${j.cooldownMs} ms; fetch times taken where the request is issued; "max per cooldown" is the most fetches in any window one cooldown long (less 1 ms of clock resolution).`,
    table(['verifier', 'cold: fetches', 'cold: accepted', 'rotation: fetches', 'rotation: accepted', 'unknown kids: fetches', 'cooldown periods elapsed', 'max per cooldown', 'min gap / cooldown'], j.scenarios.map((s) => [
      s.name, s.cold.fetches, `${s.cold.accepted}/1000`, s.rotation.fetches, `${s.rotation.accepted}/1000`, s.unknownKids.fetches, s.unknownKids.periods, s.unknownKids.maxFetchesPerCooldown, x(s.unknownKids.minGapMs / s.unknownKids.cooldownMs),
    ])),
  ].join('\n')
}

function oversizeSection(o) {
  return [
    '## oversize: refusing a 1 MB token',
    `A well-formed HS256 JWS of ${int(o.tokenBytes)} characters with a wrong signature, against a valid ${o.validBytes}-character token; ` +
      `${o.rounds} interleaved rounds. "refusal cost" is time per refusal over time per valid verification, same contender, same round (target < 10×).`,
    table(['contender', 'refusal cost (× a valid verify)', 'valid ops/s', 'refusals/s'], o.rows.map((r) => [
      r.hivegate ? `**${r.label}**` : r.label, x(r.refuseCostRatio), int(r.validOpsPerSec.median), int(r.hugeOpsPerSec.median),
    ])),
  ].join('\n')
}

function wsSection(w) {
  const lines = [
    '## ws: connections that authenticate by auth message',
    `${int(w.connections)} WebSocket connections to one server process from a client process${w.connections < w.requested ? ` (asked for ${int(w.requested)}; the fd limit ${w.fdLimit} allows ${int(w.connections)})` : ''}; ` +
      'each client has its own HS256 token, so every verification is a cache miss. Memory is the server\'s heap and RSS after forced GC, ' +
      'with all connections open, minus the same before any connection, per connection.',
    table(['server', 'open all (ms)', 'auth messages → all trusted (ms)', 'total vs plain open', 'heap/conn (KB)', 'RSS/conn (KB)'], [
      ['plain ws', int(w.plain.connectMs), '—', '1.00×', kb(w.plain.heapPerConn), kb(w.plain.rssPerConn)],
      ['hivegate, quarantined', int(w.hivegate.connectMs), int(w.hivegate.authMs), x((w.hivegate.connectMs + w.hivegate.authMs) / w.plain.connectMs), kb(w.hivegate.heapPerConn), kb(w.hivegate.rssPerConn)],
      ['hivegate, trusted (after auth)', '—', '—', '—', kb(w.hivegate.trustedHeapPerConn), kb(w.hivegate.trustedRssPerConn)],
    ]),
    `\nQuarantine costs **${kb(w.hivegate.heapPerConn - w.plain.heapPerConn)} KB of heap** and ${kb(w.hivegate.rssPerConn - w.plain.rssPerConn)} KB of RSS per connection above plain \`ws\` (RSS is coarse: pages, allocator slack).`,
  ]
  return lines.join('\n')
}

function socketioSection(s) {
  return [
    '## socketio: connect + authenticate rate',
    `${int(s.connections)} socket.io clients (websocket transport, ${s.inFlight} handshakes in flight) from a client process to one server process, ` +
      `each passing its own HS256 token as \`auth: { token }\`, so every verification is a cache miss; ${s.rounds} interleaved round(s), medians.`,
    table(['server', 'connections/s', 'vs bare socket.io'], [
      ['bare socket.io (token ignored)', int(s.plainPerSec), '1.00×'],
      ['hivegate `io.use()` (token verified)', int(s.hivegatePerSec), x(s.ratio)],
    ]),
  ].join('\n')
}

function accessSection(a) {
  const ms = (v) => (Number.isFinite(v) ? v.toFixed(1) : '—')
  return [
    '## access: a revocation reaching other gateway processes',
    `One process revokes a static token ${a.samples} times (SQLite: ${a.sqlite.samples / 2}); two other processes on the same store report when each revocation reached their revocation list. ` +
      'Times are epoch-ms taken in each process on one machine. SQLite instances notice other writers by polling every 200 ms; Redis ones by publish/subscribe.',
    table(['store', 'arrivals', 'p50 (ms)', 'p99 (ms)', 'max (ms)'], [
      ['Redis', int(a.redis.samples), ms(a.redis.p50), ms(a.redis.p99), ms(a.redis.max)],
      ['SQLite', int(a.sqlite.samples), ms(a.sqlite.p50), ms(a.sqlite.p99), ms(a.sqlite.max)],
    ]),
    ...(a.serve === undefined ? [] : [
      '',
      `Through \`hivegate serve\` (three processes on Redis): ${int(a.serve.samples / 2)} revocations posted to A's admin API, timed until B's and C's WebSocket opened with that token closes (admin API round trip included).`,
      table(['path', 'arrivals', 'p50 (ms)', 'p99 (ms)', 'max (ms)'], [['admin API on A → B, C close the WebSocket', int(a.serve.samples), ms(a.serve.p50), ms(a.serve.p99), ms(a.serve.max)]]),
    ]),
    '',
    'Request cost with the registry attached (verifySync of a static token, cache off, interleaved rounds): the hot path reads only memory, whatever the store.',
    table(['store', 'ops/s (median)'], a.cost.rows.map((r) => [r.label, int(r.opsPerSec)])),
    `
Redis / SQLite: **${x(a.cost.redisToSqlite)}** (IQR ${x(a.cost.redisToSqliteIqr[0])}–${x(a.cost.redisToSqliteIqr[1])}).`,
  ].join('\n')
}

function dpopSection(d) {
  return [
    '## dpop: a DPoP-bound request against a Bearer one',
    `authenticateSync on a fresh request view, HS256 access token (cached after the first call), ${d.rounds} interleaved rounds. ` +
      '"cost" is time per request over the Bearer request\'s time in the same round: the proof (JWS parse, signature, claims, htu, ath) is checked on every request.',
    table(['request', 'cost (× Bearer)', 'IQR', 'ops/s'], d.rows.map((r) => [r.label, x(r.costToBearer), `${x(r.costToBearerIqr[0])}–${x(r.costToBearerIqr[1])}`, int(r.opsPerSec.median)])),
  ].join('\n')
}

function firstDate(results) {
  return Object.values(results).map((p) => p?.machine?.date).filter(Boolean).sort()[0] ?? 'an unknown date'
}

function baselineSection({ file, results: before }, results) {
  const rows = compare(before, results)
  const spread = (f) => (f.iqr === undefined ? '' : ` (${f.iqr[0].toFixed(2)}–${f.iqr[1].toFixed(2)})`)
  const worse = rows.filter((r) => r.verdict === 'worse')
  return [
    '## Before and after',
    `Every row against the run in \`${file}\` (from ${firstDate(before)}), on the within-run ratios; the interquartile range of the rounds in brackets. ` +
      '"worse" means the two runs\' spreads agree: the new median is beyond the earlier interquartile range on the bad side and the earlier median beyond the new one on the good side ("better" likewise); otherwise "within". ' +
      `${rows.length} rows compared: **${worse.length} worse**, ${rows.filter((r) => r.verdict === 'better').length} better.`,
    '',
    table(['part', 'row', 'metric', 'before', 'after', 'change', 'verdict'], rows.map((r) => [
      r.part, r.row, r.metric, `${x(r.before.median)}${spread(r.before)}`, `${x(r.after.median)}${spread(r.after)}`,
      `${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(1)} %`, r.verdict === 'worse' ? '**worse**' : r.verdict,
    ])),
    '',
  ].join('\n')
}

/** Markdown for `results` (the object stored in results.json), compared with `baseline` when given. */
export function render(results, notesPath, baseline) {
  // A part never run (results.json from before it existed) is left out, not a crash.
  const parts = ['verify', 'http', 'jwks', 'oversize', 'ws', 'socketio', 'access', 'dpop'].filter((p) => results[p])
  const targets = judge(results)
  const out = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.js); raw numbers in [results.json](results.json). How to read them: [README.md](README.md).',
    '',
    ...parts.map((p) => `- **${p}** run ${results[p].machine.date}${results[p].quick ? ' (**--quick**: short rounds, not for publishing)' : ''}: ${machineLine(results[p].machine)}`),
    '',
    'Every figure that matters is a ratio taken within one run: to the hand-written floor (verify), to the same framework without auth (http), or to plain `ws` (ws).',
    '',
    '## Targets (issue #8)',
    'Judged on the median ratio. "(noisy)" means the interquartile range of the per-round ratios straddles the threshold, so the verdict could flip on a rerun.',
    '',
    table(['part', 'target', 'verdict', 'measured'], targets.map((t) => [t.part, t.target, t.status === 'MISSED' ? '**MISSED**' : t.status, t.measured])),
    '',
  ]
  if (baseline !== undefined) out.push(baselineSection(baseline, results))
  const sections = { verify: verifySection, http: httpSection, jwks: jwksSection, oversize: oversizeSection, ws: wsSection, socketio: socketioSection, access: accessSection, dpop: dpopSection }
  for (const p of parts) out.push(results[p].failed ? `## ${p}\n**This part failed:** ${results[p].failed}` : sections[p](results[p]), '')
  if (notesPath && existsSync(notesPath)) out.push(readFileSync(notesPath, 'utf8').trim(), '')
  return out.join('\n')
}
