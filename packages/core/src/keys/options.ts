import type { Claims } from '../claims.js'
import type { JwsHeader } from '../jws.js'
import type { Algorithm } from './algorithms.js'
import type { JsonWebKey, KeyObject } from 'node:crypto'
import { assertBoolean, assertFiniteNumber, assertNonNegativeInteger, assertPositiveInteger } from '../options.js'
import { ALGORITHMS, isAlgorithm } from './algorithms.js'

/** Defaults of a remote JWKS (`keys.jwks`), in milliseconds and bytes. */
export const JWKS_DEFAULTS = Object.freeze({
  /** Fetched keys are fresh for 10 minutes. */
  cacheMaxAge: 10 * 60_000,
  /** At most one refetch per 30 s for unknown kids and for retries after a failure. */
  cooldown: 30_000,
  /** A request (body included) must complete within 5 s. */
  timeout: 5_000,
  /** A response over 512 KiB is refused. */
  maxResponseSize: 512 * 1024,
  /** A set of more than 100 keys is refused (the bound also applies to `localJwks`). */
  maxKeys: 100,
  /** Keys past their max age still serve for 1 hour while the endpoint fails. */
  staleIfError: 60 * 60_000,
  allowHttp: false,
})

/** Remote JWKS options with every default filled in. */
export interface ResolvedJwksOptions {
  url: URL
  cacheMaxAge: number
  cooldown: number
  timeout: number
  maxResponseSize: number
  maxKeys: number
  staleIfError: number
  headers: Readonly<Record<string, string>>
}

// AbortSignal.timeout and setTimeout take at most a signed 32-bit number of ms.
const MAX_TIMEOUT = 2 ** 31 - 1

/** Validates `keys.jwks` (a URL or RemoteJwksOptions) and fills in the defaults. */
export function resolveJwksOptions(input: unknown, name: string): ResolvedJwksOptions {
  const given: RemoteJwksOptions =
    typeof input === 'string' || input instanceof URL ? { url: input } : (input as RemoteJwksOptions)
  if (typeof given !== 'object' || given === null) throw new TypeError(`"${name}" must be a URL or an object with "url"`)
  const o = { ...JWKS_DEFAULTS, ...stripUndefined(given) }
  let url: URL
  try {
    url = new URL(String(o.url))
  } catch {
    throw new TypeError(`"${name}.url" must be an absolute URL`)
  }
  assertBoolean(`${name}.allowHttp`, o.allowHttp)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && o.allowHttp)) {
    throw new TypeError(`"${name}.url" must be an https: URL (http: only with "allowHttp: true")`)
  }
  // fetch refuses URLs with credentials; they belong in a header, where they stay out of logs.
  if (url.username !== '' || url.password !== '') throw new TypeError(`"${name}.url" must not contain credentials; send them in "headers"`)
  const headers = o.headers ?? {}
  if (typeof headers !== 'object' || headers === null || Object.values(headers).some((v) => typeof v !== 'string')) {
    throw new TypeError(`"${name}.headers" must be an object of strings`)
  }
  assertPositiveInteger(`${name}.cacheMaxAge`, o.cacheMaxAge)
  assertNonNegativeInteger(`${name}.cooldown`, o.cooldown)
  assertFiniteNumber(`${name}.timeout`, o.timeout, { min: 1, max: MAX_TIMEOUT })
  assertPositiveInteger(`${name}.maxResponseSize`, o.maxResponseSize)
  assertPositiveInteger(`${name}.maxKeys`, o.maxKeys)
  assertNonNegativeInteger(`${name}.staleIfError`, o.staleIfError)
  const { cacheMaxAge, cooldown, timeout, maxResponseSize, maxKeys, staleIfError } = o
  return Object.freeze({ url, cacheMaxAge, cooldown, timeout, maxResponseSize, maxKeys, staleIfError, headers: Object.freeze({ ...headers }) })
}

/** Validates the `algorithms` allowlist; `none` in any casing is refused. Default: every algorithm. */
export function resolveAllowlist(input: unknown): ReadonlySet<Algorithm> {
  if (input === undefined) return new Set(ALGORITHMS)
  if (!Array.isArray(input) || input.length === 0) throw new TypeError('"algorithms" must be a non-empty array')
  for (const alg of input) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') throw new RangeError('"algorithms" must not contain "none"')
    if (!isAlgorithm(alg)) {
      throw new RangeError(`"algorithms" contains ${JSON.stringify(String(alg)).slice(0, 40)}; supported: ${ALGORITHMS.join(', ')}`)
    }
  }
  return new Set(input as Algorithm[])
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** A public key in any form users hold one: PEM text, a JWK, or a `KeyObject`. */
export type PublicKeyInput = string | JsonWebKey | KeyObject

/** An HMAC secret: at least 32 bytes. */
export type SecretInput = string | Uint8Array | KeyObject

/** One key with the algorithms it may verify (HMAC keys never verify asymmetric tokens and the reverse). */
export interface VerificationKey {
  kid?: string
  key: KeyObject
  algorithms: readonly Algorithm[]
}

/** A key-lookup function: return the keys that may verify this token (empty when none). */
export type KeyLookup = (
  header: Readonly<JwsHeader>,
  claims: Readonly<Claims>,
) => VerificationKey | readonly VerificationKey[] | undefined | Promise<VerificationKey | readonly VerificationKey[] | undefined>

export interface RemoteJwksOptions {
  url: string | URL
  /** How long fetched keys are fresh, ms. Default 10 minutes. */
  cacheMaxAge?: number
  /** Minimum time between fetches caused by an unknown `kid`, ms. Default 30 s. */
  cooldown?: number
  /** Request timeout, ms. Default 5 s. */
  timeout?: number
  /** Largest response accepted, bytes. Default 512 KiB. */
  maxResponseSize?: number
  /**
   * Most entries in the set's `keys` array, counted before any is imported. Default 100. A larger
   * set is refused like an oversized response: a `jwks_fetch_failed` event, and the last good keys
   * keep serving within `staleIfError`.
   */
  maxKeys?: number
  /** How long the last good keys are still used while the endpoint fails, ms. Default 1 hour. */
  staleIfError?: number
  /** Extra request headers. */
  headers?: Record<string, string>
  /** Permit an `http:` URL (only sensible for loopback in tests). Default false. */
  allowHttp?: boolean
}

/** The keys of one issuer. Any combination; each key is bound to its algorithms. */
export interface KeySetOptions {
  /** HMAC secrets by `kid` (the platform's "secrets"). Each at least 32 bytes. */
  secrets?: Record<string, SecretInput>
  /** Remote JWKS: a URL or options. */
  jwks?: string | URL | RemoteJwksOptions
  /** A local JWKS document: at most 100 keys, one key per (kid, alg). */
  localJwks?: { keys: JsonWebKey[] }
  /** Public keys by `kid` (PEM, JWK or KeyObject). */
  publicKeys?: Record<string, PublicKeyInput>
  /**
   * A key-lookup function, tried after the keys above find nothing. One that answers without a
   * Promise (keys held in memory) keeps verification synchronous.
   */
  lookup?: KeyLookup
  /**
   * A number that grows whenever `lookup` may stop returning a key it returned before (a key
   * retired or removed). A cached verification made under another version is redone, so a
   * retired key stops verifying at once rather than when its tokens leave the cache.
   */
  lookupVersion?: () => number
}
