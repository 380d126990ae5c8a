import { constants, createHmac, createPrivateKey, createSecretKey, randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto'
import { systemClock, type Clock } from './clock.js'
import { parseDuration } from './duration.js'
import { ALGORITHM_SPECS, type AlgorithmSpec } from './signature.js'
import { MAX_NUMERIC_DATE } from './claims.js'
import type { Claims } from './claims.js'
import type { Algorithm } from './keys/algorithms.js'

/** Options of {@link createSigner}. Exactly one of `secret` and `privateKey`. */
export interface SignerOptions {
  /** Default: HS256 for a secret; RS256, PS256 (RSA-PSS key), ES256/384/512 (by curve) or EdDSA for a private key. */
  alg?: Algorithm
  /** `kid` header: the name the verifier knows the key by. */
  kid?: string
  /** HMAC secret, at least 32 bytes (a string counts its UTF-8 bytes). */
  secret?: string | Uint8Array | KeyObject
  /** Private key: PEM text, a private JWK, or a KeyObject. RSA keys need 2048 bits or more. */
  privateKey?: string | KeyObject | Record<string, unknown>
  /** Default `iss`. */
  issuer?: string
  /** Default `aud`. */
  audience?: string | string[]
  /** Lifetime: seconds, '15m'/'1h'/'30d'-style, or 'never' for no `exp`. Default '1h'. */
  ttl?: number | string
  /** Time source of `iat`. Default the system clock. */
  clock?: Clock
}

/** Per-token overrides of {@link Signer.sign}. */
export interface SignOverrides {
  ttl?: number | string
  jti?: string
}

/** Mints compact JWS tokens synchronously on node:crypto. */
export interface Signer {
  readonly alg: Algorithm
  readonly kid: string | undefined
  /**
   * Signs `claims` with `iat` from the clock, `exp` = iat + ttl (none for 'never'), a random `jti`,
   * and the configured `iss`/`aud`. Claims given explicitly win over these defaults.
   */
  sign(claims?: Claims, overrides?: SignOverrides): string
}

const DEFAULTS = Object.freeze({ ttl: '1h' })
const MIN_SECRET_BYTES = 32
const MIN_RSA_BITS = 2048
const EC_ALG_BY_CURVE: Readonly<Record<string, Algorithm>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }

function parseTtl(value: number | string, name: string): number | undefined {
  if (value === 'never') return undefined
  const seconds = parseDuration(value, name)
  if (seconds === 0) throw new RangeError(`"${name}" must be more than 0 seconds, or 'never'`)
  return seconds
}

function importSecret(input: unknown): KeyObject {
  const key =
    typeof input === 'string' ? createSecretKey(Buffer.from(input, 'utf8'))
      : input instanceof Uint8Array ? createSecretKey(input)
        : (input as KeyObject)
  if (typeof key !== 'object' || key === null || (key as KeyObject).type !== 'secret') throw new TypeError('"secret" must be a string, bytes, or a secret KeyObject')
  if ((key.symmetricKeySize ?? 0) < MIN_SECRET_BYTES) throw new RangeError(`"secret" must be at least ${MIN_SECRET_BYTES} bytes`)
  return key
}

function importPrivateKey(input: unknown): KeyObject {
  let key: KeyObject
  try {
    key =
      typeof input === 'string' ? createPrivateKey(input)
        : typeof input === 'object' && input !== null && (input as KeyObject).type === 'private' ? (input as KeyObject)
          : createPrivateKey({ key: input as never, format: 'jwk' })
  } catch {
    // The cause would quote key material; say only what is wrong.
    throw new TypeError('"privateKey" must be a private key as PEM, JWK or KeyObject')
  }
  if (key.type !== 'private') throw new TypeError('"privateKey" must be a private key as PEM, JWK or KeyObject')
  return key
}

function defaultAlg(key: KeyObject): Algorithm {
  if (key.type === 'secret') return 'HS256'
  const type = key.asymmetricKeyType
  if (type === 'rsa') return 'RS256'
  if (type === 'rsa-pss') return 'PS256'
  if (type === 'ed25519') return 'EdDSA'
  const alg = type === 'ec' ? EC_ALG_BY_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined
  if (alg === undefined) throw new TypeError('"privateKey" must be an RSA, P-256/384/521 or Ed25519 key')
  return alg
}

function checkKeyFits(spec: AlgorithmSpec, key: KeyObject): void {
  const type = key.type === 'secret' ? 'secret' : key.asymmetricKeyType
  const fits =
    spec.family === 'hmac' ? type === 'secret'
      : spec.family === 'rsa' ? type === 'rsa'
        : spec.family === 'pss' ? type === 'rsa' || type === 'rsa-pss'
          : spec.family === 'ecdsa' ? type === 'ec' && EC_ALG_BY_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ''] === spec.alg
            : type === 'ed25519'
  if (!fits) throw new TypeError(`"alg" ${spec.alg} does not match the key's type`)
  if ((type === 'rsa' || type === 'rsa-pss') && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
    throw new RangeError(`"privateKey" must be an RSA key of at least ${MIN_RSA_BITS} bits`)
  }
}

function signWith(spec: AlgorithmSpec, key: KeyObject, input: string): string {
  if (spec.family === 'hmac') return createHmac(spec.hash!, key).update(input).digest('base64url')
  const data = Buffer.from(input, 'latin1')
  switch (spec.family) {
    case 'rsa':
      return cryptoSign(spec.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }).toString('base64url')
    case 'pss':
      return cryptoSign(spec.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.saltLength }).toString('base64url')
    case 'ecdsa':
      return cryptoSign(spec.hash, data, { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')
    default:
      return cryptoSign(null, data, key).toString('base64url')
  }
}

/**
 * Creates a token signer: session tokens for the OAuth package, static tokens for the CLI, tokens
 * for tests. Options are checked here; `sign` is synchronous.
 *
 * @example
 * ```ts
 * const signer = createSigner({ kid: 'kid-1', secret: process.env.HG_SECRET!, issuer: 'platform.example', ttl: '1h' })
 * const token = signer.sign({ sub: 'johndoe', tnd: 'tenant-1', per: { london: { 'deliveryRiders/*': 'R' } } })
 * ```
 */
export function createSigner(options: SignerOptions): Signer {
  if (typeof options !== 'object' || options === null) throw new TypeError('signer options must be an object')
  const { kid, issuer, audience } = options
  if ((options.secret === undefined) === (options.privateKey === undefined)) throw new TypeError('give exactly one of "secret" and "privateKey"')
  const key = options.secret !== undefined ? importSecret(options.secret) : importPrivateKey(options.privateKey)
  const alg = options.alg ?? defaultAlg(key)
  if (typeof alg !== 'string' || !Object.hasOwn(ALGORITHM_SPECS, alg)) throw new RangeError(`"alg" must be one of ${Object.keys(ALGORITHM_SPECS).join(', ')}`)
  const spec = ALGORITHM_SPECS[alg]
  checkKeyFits(spec, key)
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0)) throw new TypeError('"kid" must be a non-empty string')
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer.length === 0)) throw new TypeError('"issuer" must be a non-empty string')
  if (audience !== undefined && !(typeof audience === 'string' || (Array.isArray(audience) && audience.every((a) => typeof a === 'string')))) {
    throw new TypeError('"audience" must be a string or an array of strings')
  }
  const ttl = parseTtl(options.ttl ?? DEFAULTS.ttl, 'ttl')
  const clock = options.clock ?? systemClock
  if (typeof clock?.now !== 'function') throw new TypeError('"clock" must be a Clock')
  const header = Buffer.from(JSON.stringify(kid === undefined ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid })).toString('base64url')

  return {
    alg,
    kid,
    sign(claims: Claims = {}, overrides: SignOverrides = {}): string {
      if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new TypeError('"claims" must be an object')
      const lifetime = overrides.ttl === undefined ? ttl : parseTtl(overrides.ttl, 'ttl')
      if (overrides.jti !== undefined && (typeof overrides.jti !== 'string' || overrides.jti.length === 0)) throw new TypeError('"jti" must be a non-empty string')
      const iat = Math.floor(clock.now() / 1000)
      const payload: Claims = { iat, ...(lifetime === undefined ? {} : { exp: iat + lifetime }) }
      if (issuer !== undefined) payload.iss = issuer
      if (audience !== undefined) payload.aud = audience
      payload.jti = overrides.jti ?? randomUUID()
      Object.assign(payload, claims)
      if (overrides.jti !== undefined) payload.jti = overrides.jti
      for (const name of ['exp', 'nbf', 'iat'] as const) {
        const value = payload[name]
        if (value !== undefined && (typeof value !== 'number' || !(value >= 0 && value <= MAX_NUMERIC_DATE))) {
          throw new RangeError(`"${name}" must be a date in seconds`)
        }
      }
      const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
      return `${input}.${signWith(spec, key, input)}`
    },
  }
}
