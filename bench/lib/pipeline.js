// Tokens as a server sees them: a fresh string per request, sliced from an Authorization header,
// its hash not yet computed, so a cache lookup hashes the whole token as it would in production.
import { createFloor, createFloorWithMap } from './floor.js'
import { loadCore, verifierOptions, REVOKED_JTI } from './hivegate.js'

const POOL = 1024

/** Distinct flat header strings with the same content; slicing one yields a token nobody has hashed. */
export function headerPool(token) {
  return Array.from({ length: POOL }, () => Buffer.from(`Bearer ${token}`).toString('latin1'))
}

function rotating(fn) {
  let i = 0
  return (pool) => fn(pool[i++ & (POOL - 1)])
}

/** Wraps `fn(token)` to take the header pool and get a fresh slice of the next header each call. */
export function freshToken(fn) {
  return rotating((h) => fn(h.slice(7)))
}

function viewOf(header) {
  return { headers: { host: '127.0.0.1', authorization: header }, rawHeaders: ['Host', '127.0.0.1', 'Authorization', header], method: 'GET', url: '/' }
}

// authenticateEager returns the AuthContext itself when nothing had to wait (what the adapters call).
function eager(made, id, label, group) {
  if (typeof made.authenticator.authenticateEager !== 'function') return []
  return [{ id, label, fn: rotating((h) => made.authenticator.authenticateEager(viewOf(h))), group, hivegate: true }]
}

/** Contenders for the pipeline table; each fn takes the header pool. */
export async function pipelineContenders(key, token) {
  const floor = createFloor(key.alg, key.verifyKey)
  const floorMap = createFloorWithMap(key.alg, key.verifyKey)
  const floorMapSame = createFloorWithMap(key.alg, key.verifyKey)
  const list = [
    { id: 'floor', label: 'floor(header.slice(7))', fn: freshToken(floor), group: 'floor' },
    { id: 'floorMap', label: 'floor + Map cache, fresh token string', fn: freshToken(floorMap), group: 'cache' },
    { id: 'floorMapSame', label: 'floor + Map cache, the same string object every call', fn: () => floorMapSame(token), group: 'ref' },
  ]
  const core = await loadCore()
  if (typeof core.createAuthenticator !== 'function') return list
  const make = (cache) => {
    const verifier = core.createVerifier(verifierOptions(key, cache ? {} : { cache: false }))
    verifier.revocations.revoke(REVOKED_JTI)
    return { verifier, authenticator: core.createAuthenticator({ verifier }) }
  }
  const off = make(false)
  const on = make(true)
  list.push(
    { id: 'resolve', label: 'hivegate resolve only (Authorization → token)', fn: rotating((h) => on.authenticator.resolve(viewOf(h))), group: 'ref', hivegate: true, noClaims: true },
    { id: 'hgSync', label: 'hivegate verifySync, cache off', fn: freshToken((t) => off.verifier.verifySync(t, 'bearer')), group: 'floor', hivegate: true },
    ...eager(off, 'authEager', 'hivegate authenticateEager(view), cache off', 'floor'),
    { id: 'auth', label: 'hivegate authenticate(view), cache off', fn: rotating((h) => off.authenticator.authenticate(viewOf(h))), async: true, group: 'floor', hivegate: true },
    { id: 'hgSyncCache', label: 'hivegate verifySync, cache, fresh token string', fn: freshToken((t) => on.verifier.verifySync(t, 'bearer')), group: 'cache', hivegate: true },
    { id: 'hgSyncCacheSame', label: 'hivegate verifySync, cache, the same string object every call', fn: () => on.verifier.verifySync(token, 'bearer'), group: 'ref', hivegate: true },
    { id: 'hgCache', label: 'hivegate verify, cache, fresh token string', fn: freshToken((t) => on.verifier.verify(t, 'bearer')), async: true, group: 'cache', hivegate: true },
    ...eager(on, 'authEagerCache', 'hivegate authenticateEager(view), cache', 'cache'),
    { id: 'authCache', label: 'hivegate authenticate(view), cache', fn: rotating((h) => on.authenticator.authenticate(viewOf(h))), async: true, group: 'cache', hivegate: true },
  )
  return list
}
