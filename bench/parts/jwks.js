// jwks: a local JWKS server counts fetches. 1000 concurrent verifications needing a new kid
// (cold start, then after a rotation) and 10,000 tokens with random unknown kids over several
// cooldown periods. jose's remote JWKS set runs the same script as the peer reference.
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import * as jose from 'jose'
import { ISSUER, AUDIENCE, makeKey, signToken } from '../lib/fixtures.js'
import { loadCore } from '../lib/hivegate.js'

function jwk(key) {
  return { ...key.verifyKey.export({ format: 'jwk' }), kid: key.kid, alg: key.alg, use: 'sig' }
}

// Client-side start times of JWKS requests (both verifiers use global fetch): the cooldown governs
// when a request is issued; the server's arrival times add loopback jitter on a busy machine.
const issued = []
const realFetch = globalThis.fetch
globalThis.fetch = (input, init) => {
  if (String(input).endsWith('/jwks.json')) issued.push(performance.now())
  return realFetch(input, init)
}

async function jwksServer() {
  const state = { keys: [], fetches: [] }
  const server = http.createServer((req, res) => {
    state.fetches.push(performance.now())
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: state.keys }))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${server.address().port}/jwks.json`
  state.close = () => new Promise((resolve) => server.close(resolve))
  return state
}

/** Largest number of fetches inside any half-open window one cooldown long. */
function maxPerWindow(times, windowMs) {
  let most = 0
  for (let i = 0; i < times.length; i++) {
    let count = 0
    for (let j = i; j < times.length && times[j] < times[i] + windowMs; j++) count++
    most = Math.max(most, count)
  }
  return most
}

// Handlers attached at once: a rejection must not go unhandled while the next batch is sent.
const outcome = (promise) => promise.then(() => true, () => false)
const settle = (promises) => Promise.all(promises).then((all) => all.filter(Boolean).length)

async function scenario(name, makeVerify, { cooldown, tokens, spreadMs, log }) {
  const server = await jwksServer()
  const first = makeKey('ES256', 'key-a')
  const second = makeKey('ES256', 'key-b')
  server.keys = [jwk(first)]
  const verify = makeVerify(server.url, cooldown)
  try {
    const tokenA = signToken(first)
    const coldOk = await settle(Array.from({ length: 1000 }, () => outcome(verify(tokenA))))
    const coldFetches = server.fetches.length

    await sleep(cooldown * 1.5)
    server.keys = [jwk(first), jwk(second)]
    const before = server.fetches.length
    const tokenB = signToken(second)
    const rotationOk = await settle(Array.from({ length: 1000 }, () => outcome(verify(tokenB))))
    const rotationFetches = server.fetches.length - before

    await sleep(cooldown * 1.5)
    const sprayStart = performance.now()
    const startIndex = server.fetches.length
    const issuedIndex = issued.length
    const batches = 100
    const pending = []
    for (let b = 0; b < batches; b++) {
      for (let i = 0; i < tokens / batches; i++) pending.push(outcome(verify(signToken(first, undefined, { kid: randomBytes(6).toString('hex') }))))
      await sleep(spreadMs / batches)
    }
    const acceptedUnknown = await settle(pending)
    const elapsed = performance.now() - sprayStart
    const arrivals = server.fetches.slice(startIndex)
    const sent = issued.slice(issuedIndex)
    const times = sent.length === arrivals.length ? sent : arrivals
    const result = {
      name,
      cold: { verifications: 1000, accepted: coldOk, fetches: coldFetches },
      rotation: { verifications: 1000, accepted: rotationOk, fetches: rotationFetches },
      unknownKids: {
        tokens,
        acceptedUnknown,
        fetches: arrivals.length,
        timedAt: times === sent ? 'client (fetch issued)' : 'server (request arrived)',
        elapsedMs: Math.round(elapsed),
        cooldownMs: cooldown,
        periods: Math.round((elapsed / cooldown) * 10) / 10,
        // 1 ms less than the cooldown: the verifiers' clocks (Date.now) tick in whole milliseconds.
        maxFetchesPerCooldown: maxPerWindow(times, cooldown - 1),
        minGapMs: Math.round(Math.min(...times.slice(1).map((t, i) => t - times[i]))),
      },
    }
    log(`jwks ${name}: cold ${coldFetches} fetch(es), rotation ${rotationFetches}, unknown kids ${times.length} over ${result.unknownKids.periods} periods`)
    return result
  } finally {
    await server.close()
  }
}

export async function run({ cooldown, tokens, spreadMs, log }) {
  const results = []
  const core = await loadCore()
  if (typeof core.createVerifier === 'function') {
    results.push(
      await scenario('hivegate', (url, cooldownMs) => {
        const verifier = core.createVerifier({
          issuer: ISSUER,
          audience: AUDIENCE,
          keys: { jwks: { url, allowHttp: true, cooldown: cooldownMs, cacheMaxAge: 600_000 } },
          cache: false,
        })
        return (token) => verifier.verify(token)
      }, { cooldown, tokens, spreadMs, log }),
    )
  }
  results.push(
    await scenario('jose createRemoteJWKSet', (url, cooldownMs) => {
      const keySet = jose.createRemoteJWKSet(new URL(url), { cooldownDuration: cooldownMs, cacheMaxAge: 600_000 })
      return (token) => jose.jwtVerify(token, keySet, { issuer: ISSUER, audience: AUDIENCE })
    }, { cooldown, tokens, spreadMs, log }),
  )
  return { cooldownMs: cooldown, scenarios: results, hivegateUnavailable: results.length === 1 }
}
