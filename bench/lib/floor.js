// The floor: the least work an honest verifier must do, on node:crypto, synchronously.
// Split, base64url-decode, parse the header and check `alg`, one HMAC/verify with a prebuilt
// KeyObject, JSON.parse the payload, check `exp`. No kid lookup, no other claims.
import { createHmac, timingSafeEqual, verify } from 'node:crypto'

const DIGEST = { HS256: 'sha256', RS256: 'sha256', ES256: 'sha256', EdDSA: null }

/** Returns `verify(token) → payload`, throwing on any failure. */
export function createFloor(alg, keyObject) {
  const digest = DIGEST[alg]
  const checkSignature =
    alg === 'HS256'
      ? (input, signature) => {
          const mac = createHmac('sha256', keyObject).update(input).digest()
          return mac.length === signature.length && timingSafeEqual(mac, signature)
        }
      : alg === 'ES256'
        ? (input, signature) => verify(digest, Buffer.from(input), { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature)
        : (input, signature) => verify(digest, Buffer.from(input), keyObject, signature)

  return function floorVerify(token) {
    if (typeof token !== 'string') throw new Error('no token')
    const first = token.indexOf('.')
    const second = token.indexOf('.', first + 1)
    if (first < 0 || second < 0 || token.indexOf('.', second + 1) !== -1) throw new Error('malformed')
    const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8'))
    if (header.alg !== alg) throw new Error('alg')
    const signature = Buffer.from(token.slice(second + 1), 'base64url')
    if (!checkSignature(token.slice(0, second), signature)) throw new Error('signature')
    const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'))
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) throw new Error('expired')
    return payload
  }
}

/** The floor behind a plain Map keyed by the token; exp is still checked on every hit. */
export function createFloorWithMap(alg, keyObject) {
  const floorVerify = createFloor(alg, keyObject)
  const cache = new Map()
  return function floorMapVerify(token) {
    const hit = cache.get(token)
    if (hit !== undefined) {
      if (hit.exp * 1000 <= Date.now()) throw new Error('expired')
      return hit
    }
    const payload = floorVerify(token)
    cache.set(token, payload)
    return payload
  }
}
