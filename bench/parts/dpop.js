// dpop: what a DPoP-bound request costs through the authenticator, as a ratio to the same token
// sent as Bearer in the same run (HS256 access token, cached; the proof is checked every time).
import { createHash, randomBytes, sign } from 'node:crypto'
import { calculateJwkThumbprint } from 'jose'
import { claims, makeKey, signToken } from '../lib/fixtures.js'
import { calibrate, measure } from '../lib/measure.js'
import { median, quantile, summarize } from '../lib/stats.js'
import { loadCore, verifierOptions } from '../lib/hivegate.js'

const HTU = 'https://api.example/things/1'
const quartiles = (values) => [quantile(values, 0.25), quantile(values, 0.75)]

export function proofFor(key, jwk, token) {
  const header = { typ: 'dpop+jwt', alg: key.alg, jwk }
  const payload = { jti: randomBytes(16).toString('base64url'), htm: 'GET', htu: HTU, iat: Math.floor(Date.now() / 1000), ath: createHash('sha256').update(token).digest('base64url') }
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const input = `${b64(header)}.${b64(payload)}`
  const options = key.alg === 'ES256' ? { key: key.signingKey, dsaEncoding: 'ieee-p1363' } : key.signingKey
  return `${input}.${sign(key.alg === 'EdDSA' ? null : 'sha256', Buffer.from(input), options).toString('base64url')}`
}

// A view as an adapter builds it: a fresh object and raw-header array per request.
export function viewOf(authorization, dpop) {
  const headers = dpop === undefined ? { host: 'api.example', authorization } : { host: 'api.example', authorization, dpop }
  return { headers, rawHeaders: Object.entries(headers).flat(), method: 'GET', url: '/things/1?page=2', protocol: 'https' }
}

async function contenders(core) {
  const tokenKey = makeKey('HS256')
  const plain = signToken(tokenKey)
  const list = []
  const bearer = core.createAuthenticator(verifierOptions(tokenKey))
  list.push({ id: 'bearer', label: 'Bearer (DPoP off)', fn: () => bearer.authenticateSync(viewOf(`Bearer ${plain}`)) })
  const allowed = core.createAuthenticator({ ...verifierOptions(tokenKey), dpop: { mode: 'allowed' } })
  list.push({ id: 'bearerAllowed', label: "Bearer, dpop mode 'allowed'", fn: () => allowed.authenticateSync(viewOf(`Bearer ${plain}`)) })
  for (const alg of ['ES256', 'EdDSA', 'RS256']) {
    const key = makeKey(alg)
    const jwk = key.verifyKey.export({ format: 'jwk' })
    const token = signToken(tokenKey, claims({ cnf: { jkt: await calculateJwkThumbprint(jwk, 'sha256') } }))
    // One proof reused: the replay store below takes every call for a first use, so only its own cost is left out.
    const dpop = proofFor(key, jwk, token)
    const options = (replayStore) => ({ ...verifierOptions(tokenKey), dpop: { mode: 'required', maxProofAge: 86_400, replayStore } })
    const noStore = core.createAuthenticator(options({ add: () => true }))
    list.push({ id: `dpop${alg}`, label: `DPoP, ${alg} proof (replay store left out)`, fn: () => noStore.authenticateSync(viewOf(`DPoP ${token}`, dpop)) })
    if (alg === 'ES256') {
      // The built-in store, fed a distinct key per call as distinct proofs would give it.
      const memory = core.createMemoryReplayStore({ maxEntries: 50_000_000 })
      let n = 0
      const withStore = core.createAuthenticator(options({ add: (k, ttl) => memory.add(`${k}${n++}`, ttl) }))
      list.push({ id: 'dpopES256Memory', label: 'DPoP, ES256 proof, in-memory replay store', fn: () => withStore.authenticateSync(viewOf(`DPoP ${token}`, dpop)) })
    }
  }
  return list
}

export async function run({ rounds, sliceMs, warmupMs, log }) {
  const core = await loadCore()
  if (typeof core.createAuthenticator !== 'function' || typeof core.createMemoryReplayStore !== 'function') {
    throw new Error(`@hivegate/core has no DPoP support here: ${core.unavailable ?? 'createMemoryReplayStore missing'}`)
  }
  const list = await contenders(core)
  for (const c of list) if (c.fn()?.claims?.tnd !== 'tenant-1') throw new Error(`${c.label} did not authenticate`)
  const batches = new Map()
  for (const c of list) batches.set(c.id, await calibrate(c, undefined, warmupMs))
  const samples = new Map(list.map((c) => [c.id, []]))
  const ratios = new Map(list.map((c) => [c.id, []]))
  for (let round = 0; round < rounds; round++) {
    const rates = new Map()
    for (const c of list) rates.set(c.id, await measure(c, undefined, sliceMs, batches.get(c.id)))
    for (const c of list) {
      samples.get(c.id).push(rates.get(c.id))
      // Time per request over Bearer's: how many Bearer requests one DPoP request costs.
      ratios.get(c.id).push(rates.get('bearer') / rates.get(c.id))
    }
    log(`dpop round ${round + 1}/${rounds}: Bearer ${Math.round(rates.get('bearer'))} ops/s`)
  }
  const rows = list.map((c) => ({
    id: c.id,
    label: c.label,
    opsPerSec: summarize(samples.get(c.id)),
    costToBearer: median(ratios.get(c.id)),
    costToBearerIqr: quartiles(ratios.get(c.id)),
  }))
  return { rounds, sliceMs, rows }
}
