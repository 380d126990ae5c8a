import type { Claims } from './claims.js'
import type { Algorithm } from './keys/algorithms.js'
import type { VerifierEvent } from './keys/events.js'
import type { KeySetOptions } from './keys/options.js'
import type { RevocationList } from './revocation.js'
import { systemClock, type Clock } from './clock.js'
import { parseDuration } from './duration.js'
import { assertFunction, assertPositiveInteger, optionNames } from './options.js'
import { ALGORITHM_SPECS } from './signature.js'
import type { ClaimRules } from './claims.js'

/** Defaults of {@link VerifierOptions}, in one place. */
export const VERIFIER_DEFAULTS = Object.freeze({
  clockTolerance: 5,
  maxTokenLength: 8192,
  cache: Object.freeze({ max: 10_000 }),
})

/** Every option name of {@link VerifierOptions}: these build a verifier and exclude a ready `verifier`. */
export const VERIFIER_OPTION_NAMES = optionNames<VerifierOptions>({
  issuer: true, audience: true, keys: true, issuers: true, algorithms: true, requiredClaims: true, clockTolerance: true, maxTokenAge: true,
  maxTokenLength: true, isRevoked: true, revocations: true, checkClaims: true, cache: true, clock: true, onEvent: true,
})

/** Largest `maxTokenLength` accepted: 1 MiB. */
export const MAX_TOKEN_LENGTH_LIMIT = 1 << 20
/** Largest `clockTolerance` accepted: one day. */
export const MAX_CLOCK_TOLERANCE = 86_400

/** Verifier options checked once and turned into what the per-token path reads. */
export interface ResolvedVerifierOptions {
  readonly rules: ClaimRules
  readonly maxTokenLength: number
  /** 0 when the cache is off. */
  readonly cacheMax: number
  readonly clock: Clock
  readonly revocations: RevocationList | undefined
  readonly isRevoked: ((claims: Readonly<Claims>) => boolean | Promise<boolean>) | undefined
  readonly checkClaims: ((claims: Readonly<Claims>) => void | boolean | Promise<void | boolean>) | undefined
  /** Explicit algorithm allowlist, or undefined for every algorithm a key can verify. */
  readonly algorithms: ReadonlySet<Algorithm> | undefined
}

function stringList(value: unknown, name: string): string[] {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new TypeError(`"${name}" must be a non-empty string or a non-empty array of non-empty strings`)
  }
  return list as string[]
}

function optionalFunction<F>(value: unknown, name: string): F | undefined {
  if (value !== undefined) assertFunction(name, value)
  return value as F | undefined
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Validates verifier options once, at construction.
 *
 * @throws TypeError or RangeError whose message names the option
 */
export function resolveVerifierOptions(options: VerifierOptions): ResolvedVerifierOptions {
  if (!isObject(options)) throw new TypeError('verifier options must be an object')
  const { keys, issuers } = options
  if (keys !== undefined && issuers !== undefined) throw new TypeError('give either "keys" or "issuers", not both')
  if (keys === undefined && issuers === undefined) throw new TypeError('"keys" or "issuers" is required')
  if (keys !== undefined && !isObject(keys)) throw new TypeError('"keys" must be an object')
  if (issuers !== undefined && (!isObject(issuers) || Object.keys(issuers).length === 0)) {
    throw new TypeError('"issuers" must be an object with at least one issuer')
  }
  if (options.issuer === undefined && issuers === undefined) throw new TypeError('"issuer" is required (or "issuers")')
  if (options.issuer !== undefined && issuers !== undefined) {
    throw new TypeError('give "issuer" with "keys", or "issuers" alone: the names in "issuers" are the accepted issuers')
  }
  const accepted = options.issuer === undefined ? Object.keys(issuers!) : stringList(options.issuer, 'issuer')
  const audiences = options.audience === undefined ? undefined : new Set(stringList(options.audience, 'audience'))

  let algorithms: Set<Algorithm> | undefined
  if (options.algorithms !== undefined) {
    const list: unknown = options.algorithms
    if (!Array.isArray(list) || list.length === 0) throw new TypeError('"algorithms" must be a non-empty array')
    for (const alg of list) {
      if (typeof alg !== 'string' || !Object.hasOwn(ALGORITHM_SPECS, alg)) {
        throw new RangeError(`"algorithms" may hold only ${Object.keys(ALGORITHM_SPECS).join(', ')} ('none' is never accepted)`)
      }
    }
    algorithms = new Set(list as Algorithm[])
  }

  const requiredClaims = options.requiredClaims === undefined ? [] : options.requiredClaims
  if (!Array.isArray(requiredClaims) || !requiredClaims.every((c) => typeof c === 'string' && c.length > 0)) {
    throw new TypeError('"requiredClaims" must be an array of claim names')
  }
  const tolerance = options.clockTolerance ?? VERIFIER_DEFAULTS.clockTolerance
  if (typeof tolerance !== 'number' || !(tolerance >= 0 && tolerance <= MAX_CLOCK_TOLERANCE)) {
    throw new RangeError(`"clockTolerance" must be a number of seconds from 0 to ${MAX_CLOCK_TOLERANCE}`)
  }
  const maxTokenAge = options.maxTokenAge === undefined ? undefined : parseDuration(options.maxTokenAge, 'maxTokenAge')
  if (maxTokenAge === 0) throw new RangeError('"maxTokenAge" must be more than 0 seconds')
  const maxTokenLength: unknown = options.maxTokenLength ?? VERIFIER_DEFAULTS.maxTokenLength
  if (typeof maxTokenLength !== 'number' || !Number.isSafeInteger(maxTokenLength) || maxTokenLength < 16 || maxTokenLength > MAX_TOKEN_LENGTH_LIMIT) {
    throw new RangeError(`"maxTokenLength" must be an integer from 16 to ${MAX_TOKEN_LENGTH_LIMIT}`)
  }

  let cacheMax = 0
  if (options.cache !== false) {
    const cache: unknown = options.cache ?? VERIFIER_DEFAULTS.cache
    if (!isObject(cache)) throw new TypeError('"cache" must be false or { max }')
    const max = (cache as { max?: unknown }).max ?? VERIFIER_DEFAULTS.cache.max
    assertPositiveInteger('cache.max', max)
    cacheMax = max
  }

  const clock = options.clock ?? systemClock
  if (!isObject(clock) || typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
    throw new TypeError('"clock" must be a Clock ({ now, setTimeout, clearTimeout })')
  }
  const revocations = options.revocations
  if (revocations !== undefined && (!isObject(revocations) || typeof revocations.has !== 'function' || typeof revocations.revoke !== 'function')) {
    throw new TypeError('"revocations" must be a RevocationList')
  }
  optionalFunction(options.onEvent, 'onEvent')

  return {
    rules: Object.freeze({ issuers: new Set(accepted), audiences, requiredClaims: Object.freeze([...requiredClaims]), tolerance, maxTokenAge }),
    maxTokenLength,
    cacheMax,
    clock,
    revocations,
    isRevoked: optionalFunction(options.isRevoked, 'isRevoked'),
    checkClaims: optionalFunction(options.checkClaims, 'checkClaims'),
    algorithms,
  }
}

export interface VerifierOptions {
  /** Expected `iss` (one or several). Required unless `issuers` is given. */
  issuer?: string | readonly string[]
  /** Expected `aud`; a token must name one of them. */
  audience?: string | readonly string[]
  /** Keys of the issuer(s) above. */
  keys?: KeySetOptions
  /** Several issuers, each with its own keys, picked by `iss` before any signature work. */
  issuers?: Record<string, KeySetOptions>
  /** Algorithm allowlist. Default: every algorithm a configured key can verify. */
  algorithms?: readonly Algorithm[]
  /** Claims that must be present, e.g. `['tnd']`. */
  requiredClaims?: readonly string[]
  /** Seconds of leeway for exp, nbf and iat. Default 5. */
  clockTolerance?: number
  /** Refuse tokens whose `iat` is older than this: seconds or '1h'-style. */
  maxTokenAge?: number | string
  /** Longest token accepted, in characters, checked before any decoding. Default 8192. */
  maxTokenLength?: number
  /** Async revocation check, run on every verification (cached or not). */
  isRevoked?: (claims: Readonly<Claims>) => boolean | Promise<boolean>
  /** A revocation list to share between verifiers; one is created when omitted. */
  revocations?: RevocationList
  /** Extra claim rules: throw an AuthError (or return false) to refuse. */
  checkClaims?: (claims: Readonly<Claims>) => void | boolean | Promise<void | boolean>
  /** Verified-token cache. Default `{ max: 10000 }`; `false` switches it off. */
  cache?: false | { max?: number }
  /** Time source for claims, caches and timers. Default the system clock. */
  clock?: Clock
  /** Log hook for events outside a request (JWKS fetches, stale keys). */
  onEvent?: (event: VerifierEvent) => void
}
