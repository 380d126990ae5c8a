// Loads the hivegate packages if they are built; the harness still runs the peers when not.

async function load(name) {
  try {
    return await import(name)
  } catch (error) {
    return { unavailable: String(error?.message ?? error).split('\n')[0] }
  }
}

export const loadCore = () => load('@hivegate/core')
export const loadExpress = () => load('@hivegate/express')
export const loadKoa = () => load('@hivegate/koa')
export const loadFastify = () => load('@hivegate/fastify')
export const loadWs = () => load('@hivegate/ws')
export const loadAccess = () => load('@hivegate/access')

/** Verifier options for one bench key: same issuer, audience and required claims the peers check. */
export function verifierOptions(key, extra = {}) {
  const keys =
    key.alg === 'HS256' ? { secrets: { [key.kid]: key.secret } } : { publicKeys: { [key.kid]: key.verifyKey } }
  return { issuer: 'platform.example', audience: 'my-api', requiredClaims: ['tnd'], keys, ...extra }
}

/** A jti revoked in every cached contender, so the revocation list is never empty on a hit. */
export const REVOKED_JTI = 'revoked-jti-0001'
