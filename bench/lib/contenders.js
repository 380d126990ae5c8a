// Every single-token verifier of the verify part, for one algorithm.
import { webcrypto } from 'node:crypto'
import * as jose from 'jose'
import jsonwebtoken from 'jsonwebtoken'
import { createVerifier as fastVerifier } from 'fast-jwt'
import { createFloor, createFloorWithMap } from './floor.js'
import { ISSUER, AUDIENCE } from './fixtures.js'
import { loadCore, verifierOptions, REVOKED_JTI } from './hivegate.js'

const JOSE_IMPORT = {
  HS256: { name: 'HMAC', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  EdDSA: { name: 'Ed25519' },
}

async function joseKey(key) {
  const format = key.alg === 'HS256' ? 'raw' : 'spki'
  const data = key.alg === 'HS256' ? key.secret : key.verifyKey.export({ format: 'der', type: 'spki' })
  return webcrypto.subtle.importKey(format, data, JOSE_IMPORT[key.alg], false, ['verify'])
}

function fastKey(key) {
  return key.alg === 'HS256' ? key.secret : key.verifyKey.export({ format: 'pem', type: 'spki' })
}

/**
 * Contenders for `key.alg`. Each: { id, label, fn, async, group }. `group` marks what a row is
 * compared with: 'floor' (uncached), 'cache' (repeated token), 'ref' (reference only).
 */
export async function verifyContenders(key, token) {
  const { alg, verifyKey } = key
  const floor = createFloor(alg, verifyKey)
  const list = [
    { id: 'floor', label: 'floor (node:crypto, sync)', fn: floor, group: 'floor' },
    { id: 'floorMap', label: 'floor + Map cache', fn: createFloorWithMap(alg, verifyKey), group: 'cache' },
  ]
  const jk = await joseKey(key)
  const joseOptions = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE }
  list.push({ id: 'jose', label: 'jose jwtVerify', fn: (t) => jose.jwtVerify(t, jk, joseOptions).then((r) => r.payload), async: true, group: 'floor' })
  if (alg !== 'EdDSA') {
    const jwtOptions = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE }
    list.push({ id: 'jsonwebtoken', label: 'jsonwebtoken (KeyObject)', fn: (t) => jsonwebtoken.verify(t, verifyKey, jwtOptions), group: 'floor' })
  }
  const fastOptions = { key: fastKey(key), algorithms: [alg], allowedIss: ISSUER, allowedAud: AUDIENCE }
  list.push({ id: 'fastjwt', label: 'fast-jwt, no cache', fn: fastVerifier({ ...fastOptions, cache: false }), group: 'floor' })
  list.push({ id: 'fastjwtCache', label: 'fast-jwt, cache', fn: fastVerifier({ ...fastOptions, cache: true }), group: 'cache' })

  const core = await loadCore()
  if (core.unavailable || typeof core.createVerifier !== 'function') return { list, hivegate: core.unavailable ?? 'createVerifier not built yet' }
  const uncached = core.createVerifier(verifierOptions(key, { cache: false }))
  const cached = core.createVerifier(verifierOptions(key))
  cached.revocations.revoke(REVOKED_JTI)
  uncached.revocations.revoke(REVOKED_JTI)
  await proveRevocationOnHit(cached, token)
  if (typeof uncached.verifySync === 'function') {
    list.push({ id: 'hgSync', label: 'hivegate verifySync, cache off', fn: (t) => uncached.verifySync(t), group: 'floor', hivegate: true })
    list.push({ id: 'hgSyncCache', label: 'hivegate verifySync, cache', fn: (t) => cached.verifySync(t), group: 'cache', hivegate: true })
    list.push({ id: 'floorAwait', label: 'floor, awaited (reference)', fn: async (t) => floor(t), async: true, group: 'ref' })
  }
  list.push({ id: 'hg', label: 'hivegate verify, cache off', fn: (t) => uncached.verify(t), async: true, group: 'floor', hivegate: true })
  list.push({ id: 'hgCache', label: 'hivegate verify, cache', fn: (t) => cached.verify(t), async: true, group: 'cache', hivegate: true })
  return { list, verifiers: { uncached, cached } }
}

/** Fails unless revoking the token's jti refuses it on a cache hit: the cached rows must pay for that check. */
async function proveRevocationOnHit(verifier, token) {
  const { jti } = (await verifier.verify(token)).claims
  verifier.revocations.revoke(jti)
  const refused = await verifier.verify(token).then(() => false, (error) => error?.code === 'token_revoked')
  verifier.revocations.restore(jti)
  if (!refused) throw new Error('hivegate cache hit did not check the revocation list')
  await verifier.verify(token)
}

/** Pulls the claims out of whatever a contender returned (payload or AuthContext). */
export function claimsOf(result) {
  return result && typeof result === 'object' && 'claims' in result ? result.claims : result
}
