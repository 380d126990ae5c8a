// Keys and tokens shared by every part: generated per run, signed with node:crypto directly.
import { createHmac, createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto'

export const ISSUER = 'platform.example'
export const AUDIENCE = 'my-api'
export const ALGORITHMS = ['HS256', 'RS256', 'ES256', 'EdDSA']

const b64u = (value) => Buffer.from(value).toString('base64url')

/** Realistic Hivekit-style claims: tenant, permissions and data-provider patterns. */
export function claims(overrides = {}) {
  const now = Math.floor(Date.now() / 1000)
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'johndoe',
    tnd: 'tenant-1',
    iat: now,
    exp: now + 3600,
    jti: randomBytes(8).toString('hex'),
    per: { london: { 'deliveryRiders/*': 'R', 'deliveryRides/johndoe-123': 'CU' } },
    dpv: { london: ['deliveryRides/johndoe-123'] },
    ...overrides,
  }
}

/** A key pair (or secret) for `alg`, with every form the contenders want. */
export function makeKey(alg, kid = `${alg.toLowerCase()}-1`) {
  if (alg === 'HS256') {
    // ASCII secret (43 bytes): express-oauth2-jwt-bearer takes its secret as a string.
    const raw = Buffer.from(randomBytes(32).toString('base64url'))
    return { alg, kid, secret: raw, signingKey: createSecretKey(raw), verifyKey: createSecretKey(raw) }
  }
  const pair =
    alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    : generateKeyPairSync('ed25519')
  return { alg, kid, signingKey: pair.privateKey, verifyKey: pair.publicKey }
}

/** Serializable form of a key (for a child process); `reviveKey` turns it back. */
export function exportKey(key) {
  if (key.alg === 'HS256') return { alg: key.alg, kid: key.kid, secret: key.secret.toString('base64') }
  return {
    alg: key.alg,
    kid: key.kid,
    privatePem: key.signingKey.export({ format: 'pem', type: 'pkcs8' }),
    publicPem: key.verifyKey.export({ format: 'pem', type: 'spki' }),
  }
}

export function reviveKey(data) {
  if (data.alg === 'HS256') {
    const raw = Buffer.from(data.secret, 'base64')
    return { alg: data.alg, kid: data.kid, secret: raw, signingKey: createSecretKey(raw), verifyKey: createSecretKey(raw) }
  }
  return { alg: data.alg, kid: data.kid, signingKey: createPrivateKey(data.privatePem), verifyKey: createPublicKey(data.publicPem) }
}

/** Signs a compact JWS with node:crypto (ES256 as IEEE P1363, as JWS requires). */
export function signToken(key, payload = claims(), header = {}) {
  const input = `${b64u(JSON.stringify({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header }))}.${b64u(JSON.stringify(payload))}`
  let signature
  if (key.alg === 'HS256') signature = createHmac('sha256', key.signingKey).update(input).digest()
  else if (key.alg === 'ES256') signature = sign('sha256', Buffer.from(input), { key: key.signingKey, dsaEncoding: 'ieee-p1363' })
  else signature = sign(key.alg === 'EdDSA' ? null : 'sha256', Buffer.from(input), key.signingKey)
  return `${input}.${signature.toString('base64url')}`
}

/** A well-formed JWS of about `bytes` characters whose signature is wrong. */
export function oversizedToken(key, bytes) {
  const filler = 'x'.repeat(Math.ceil((bytes * 3) / 4))
  const token = signToken(key, claims({ filler }))
  const last = token.lastIndexOf('.')
  return `${token.slice(0, last)}.${b64u(randomBytes(key.alg === 'HS256' ? 32 : 64))}`
}
