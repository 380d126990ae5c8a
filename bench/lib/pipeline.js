// Tokens as a server sees them: a fresh string per request, sliced from an Authorization header,
// its hash not yet computed, so a cache lookup hashes the whole token as it would in production.
import { createFloor, createFloorWithMap } from './floor.js'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadAccess, loadCore, verifierOptions, REVOKED_JTI } from './hivegate.js'

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

// remoteAddress as the adapters set it: the failure throttle's default key.
function viewOf(header) {
  return { headers: { host: '127.0.0.1', authorization: header }, rawHeaders: ['Host', '127.0.0.1', 'Authorization', header], method: 'GET', url: '/', remoteAddress: '127.0.0.1' }
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
  const make = (cache, throttle) => {
    const verifier = core.createVerifier(verifierOptions(key, cache ? {} : { cache: false }))
    verifier.revocations.revoke(REVOKED_JTI)
    return { verifier, authenticator: core.createAuthenticator({ verifier, ...(throttle ? { throttle: {} } : {}) }) }
  }
  const off = make(false)
  const on = make(true)
  // The failure throttle on an accepted request: the same cached path with `throttle: {}` (memory store).
  const throttled = typeof core.MemoryThrottleStore === 'function' ? make(true, true) : undefined
  // ... and with 1000 other clients' failures held, so the request's own key is looked up.
  const attacked = throttled === undefined ? undefined : make(true, true)
  if (attacked !== undefined) {
    for (let i = 0; i < 1000; i++) {
      const forged = { ...viewOf('Bearer a.b.c'), remoteAddress: `10.0.${i >> 8}.${i & 255}` }
      await attacked.authenticator.authenticate(forged).catch(() => {})
    }
  }
  list.push(
    { id: 'resolve', label: 'hivegate resolve only (Authorization → token)', fn: rotating((h) => on.authenticator.resolve(viewOf(h))), group: 'ref', hivegate: true, noClaims: true },
    { id: 'hgSync', label: 'hivegate verifySync, cache off', fn: freshToken((t) => off.verifier.verifySync(t, 'bearer')), group: 'floor', hivegate: true },
    ...eager(off, 'authEager', 'hivegate authenticateEager(view), cache off', 'floor'),
    { id: 'auth', label: 'hivegate authenticate(view), cache off', fn: rotating((h) => off.authenticator.authenticate(viewOf(h))), async: true, group: 'floor', hivegate: true },
    { id: 'hgSyncCache', label: 'hivegate verifySync, cache, fresh token string', fn: freshToken((t) => on.verifier.verifySync(t, 'bearer')), group: 'cache', hivegate: true },
    { id: 'hgSyncCacheSame', label: 'hivegate verifySync, cache, the same string object every call', fn: () => on.verifier.verifySync(token, 'bearer'), group: 'ref', hivegate: true },
    { id: 'hgCache', label: 'hivegate verify, cache, fresh token string', fn: freshToken((t) => on.verifier.verify(t, 'bearer')), async: true, group: 'cache', hivegate: true },
    ...eager(on, 'authEagerCache', 'hivegate authenticateEager(view), cache', 'cache'),
    ...(throttled ? eager(throttled, 'authEagerCacheThrottle', 'hivegate authenticateEager(view), cache, failure throttle on', 'cache') : []),
    ...(attacked ? eager(attacked, 'authEagerCacheThrottleHeld', 'hivegate authenticateEager(view), cache, failure throttle holding 1000 other keys', 'cache') : []),
    { id: 'authCache', label: 'hivegate authenticate(view), cache', fn: rotating((h) => on.authenticator.authenticate(viewOf(h))), async: true, group: 'cache', hivegate: true },
  )
  list.push(...(await registryContenders(core)))
  return list
}

// The same pipeline with the access registry feeding keys, revocations and isRevoked, on a static
// token it minted (its own header pool: the token is signed by a registry secret).
async function registryContenders(core) {
  const access = await loadAccess()
  if (typeof access.createAccessRegistry !== 'function') return []
  const store = access.createSqliteStore(join(mkdtempSync(join(tmpdir(), 'hivegate-bench-')), 'access.db'))
  const registry = await access.createAccessRegistry({ store, operatorKey: 'A'.repeat(43), issuer: 'platform.example', audience: 'my-api' })
  await registry.createSecret({}, 'bench')
  const revoked = await registry.createToken({ name: 'revoked', tnd: 'tenant-1' }, 'bench')
  await registry.revokeToken(revoked.record.id, 'bench')
  const { value } = await registry.createToken({ name: 'bench', tnd: 'tenant-1' }, 'bench')
  const pool = headerPool(value)
  const own = (fn) => {
    let i = 0
    return () => fn(pool[i++ & (POOL - 1)].slice(7))
  }
  const make = (cache) => core.createVerifier({
    issuer: 'platform.example', audience: 'my-api', requiredClaims: ['tnd'], keys: registry.keys,
    revocations: registry.revocations, isRevoked: registry.isRevoked, ...(cache ? {} : { cache: false }),
  })
  const off = make(false)
  const on = make(true)
  return [
    { id: 'accessSync', label: 'hivegate + access registry verifySync, cache off', fn: own((t) => off.verifySync(t, 'bearer')), group: 'floor', hivegate: true },
    { id: 'accessSyncCache', label: 'hivegate + access registry verifySync, cache, fresh token string', fn: own((t) => on.verifySync(t, 'bearer')), group: 'cache', hivegate: true },
  ]
}
