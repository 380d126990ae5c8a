// oversize: what refusing a 1 MB token costs, as a multiple of verifying a valid token (HS256),
// for hivegate and, as reference, for the peers that have no length limit.
import { webcrypto } from 'node:crypto'
import * as jose from 'jose'
import jsonwebtoken from 'jsonwebtoken'
import { createVerifier as fastVerifier } from 'fast-jwt'
import { ISSUER, AUDIENCE, makeKey, oversizedToken, signToken } from '../lib/fixtures.js'
import { createFloor } from '../lib/floor.js'
import { calibrate, measure } from '../lib/measure.js'
import { median, summarize } from '../lib/stats.js'
import { loadCore, verifierOptions } from '../lib/hivegate.js'

const swallow = (fn) => (t) => {
  try {
    return fn(t)
  } catch (error) {
    return error
  }
}
const swallowAsync = (fn) => (t) => fn(t).catch((error) => error)

async function contenders(key) {
  const jk = await webcrypto.subtle.importKey('raw', key.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
  const list = [
    { id: 'floor', label: 'floor', fn: createFloor('HS256', key.verifyKey) },
    { id: 'jose', label: 'jose jwtVerify', async: true, fn: (t) => jose.jwtVerify(t, jk, { issuer: ISSUER, audience: AUDIENCE }) },
    { id: 'jsonwebtoken', label: 'jsonwebtoken', fn: (t) => jsonwebtoken.verify(t, key.verifyKey, { algorithms: ['HS256'] }) },
    { id: 'fastjwt', label: 'fast-jwt, no cache', fn: fastVerifier({ key: key.secret, algorithms: ['HS256'], cache: false }) },
  ]
  const core = await loadCore()
  if (typeof core.createVerifier === 'function') {
    const verifier = core.createVerifier(verifierOptions(key, { cache: false }))
    if (typeof verifier.verifySync === 'function') {
      list.push({ id: 'hgSync', label: 'hivegate verifySync (default maxTokenLength)', hivegate: true, fn: (t) => verifier.verifySync(t) })
    }
    list.push({ id: 'hg', label: 'hivegate verify (default maxTokenLength)', hivegate: true, async: true, fn: (t) => verifier.verify(t) })
  }
  return list.map((c) => ({ ...c, fn: c.async ? swallowAsync(c.fn) : swallow(c.fn) }))
}

export async function run({ rounds, sliceMs, warmupMs, log }) {
  const key = makeKey('HS256')
  const valid = signToken(key)
  const huge = oversizedToken(key, 1024 * 1024)
  const list = await contenders(key)
  const inputs = { valid, huge }
  for (const c of list) {
    if ((await c.fn(valid)) instanceof Error) throw new Error(`${c.label} refused the valid token`)
    if (!((await c.fn(huge)) instanceof Error)) throw new Error(`${c.label} accepted the oversized token`)
  }
  const batches = new Map()
  for (const c of list) for (const [name, input] of Object.entries(inputs)) batches.set(`${c.id}/${name}`, await calibrate(c, input, warmupMs))
  const samples = new Map(list.map((c) => [c.id, { valid: [], huge: [], ratio: [] }]))
  for (let round = 0; round < rounds; round++) {
    for (const c of list) {
      const s = samples.get(c.id)
      const validRate = await measure(c, valid, sliceMs, batches.get(`${c.id}/valid`))
      const hugeRate = await measure(c, huge, sliceMs, batches.get(`${c.id}/huge`))
      s.valid.push(validRate)
      s.huge.push(hugeRate)
      s.ratio.push(validRate / hugeRate)
    }
    log(`oversize round ${round + 1}/${rounds} done`)
  }
  const rows = list.map((c) => ({
    id: c.id,
    label: c.label,
    hivegate: Boolean(c.hivegate),
    validOpsPerSec: summarize(samples.get(c.id).valid),
    hugeOpsPerSec: summarize(samples.get(c.id).huge),
    refuseCostRatio: median(samples.get(c.id).ratio),
  }))
  return { tokenBytes: huge.length, validBytes: valid.length, rounds, rows }
}
