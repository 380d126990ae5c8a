import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import type { Claims } from '../claims.js'
import type { JwsHeader } from '../jws.js'
import type { Algorithm } from './algorithms.js'
import type { VerifierEvent } from './events.js'
import type { KeySetOptions, VerificationKey } from './options.js'
import { createEventSink } from './events.js'
import { KeySet } from './key-set.js'
import { resolveAllowlist } from './options.js'

export { ALGORITHMS, HMAC_ALGORITHMS, ASYMMETRIC_ALGORITHMS, MIN_RSA_BITS, MIN_SECRET_BYTES } from './algorithms.js'
export { JWKS_DEFAULTS } from './options.js'

/** Options of {@link createKeyStore}: the key-related part of `VerifierOptions`, with a required clock. */
export interface KeyStoreOptions {
  /** The issuer(s) whose tokens `keys` verifies; a token naming another `iss` is refused before any key work. */
  issuer?: string | readonly string[]
  /** One key set (for `issuer`). Exclusive with `issuers`. */
  keys?: KeySetOptions
  /** A key set per issuer, picked by the token's unverified `iss`. Exclusive with `keys` and `issuer`. */
  issuers?: Record<string, KeySetOptions>
  /** Algorithm allowlist. Default: every algorithm a configured key can verify. */
  algorithms?: readonly Algorithm[]
  /** Time source for JWKS max age, cooldown and staleness. */
  clock: Clock
  /** Hook for JWKS events (fetched, fetch failed, stale keys served, cooldown). */
  onEvent?: (e: VerifierEvent) => void
}

/** Finds the keys that may verify a token; built once, asked on every request. */
export interface KeyStore {
  /** Algorithms some configured key may verify, intersected with the allowlist (remote JWKS: all asymmetric algs of the allowlist). */
  readonly algorithms: ReadonlySet<Algorithm>
  /**
   * Keys that may verify a token with this (unverified) header, picked by the unverified claims' iss first.
   * Synchronous when the answer is local; a Promise only when a JWKS fetch (or a lookup function) is needed.
   * Throws/rejects AuthError: 'invalid_token' (unknown issuer, unknown kid, alg not allowed or not bound to
   * the key, no kid and not exactly one key), 'keys_unavailable' (JWKS endpoint failed and no usable stale keys,
   * or the lookup function threw).
   */
  select(header: Readonly<JwsHeader>, claims: Readonly<Claims>): readonly VerificationKey[] | Promise<readonly VerificationKey[]>
  /**
   * Sum of the key sets' `lookupVersion`s: a verification cached under another value is redone.
   * Absent when no key set has a `lookupVersion`.
   */
  version?: () => number
  /** Aborts JWKS requests in flight; no further requests are made. */
  close?(): void
}

const refuseIssuer = () => new AuthError('invalid_token', "The token's issuer is not accepted")
const refuseAlg = () => new AuthError('invalid_token', "The token's algorithm is not allowed")
const refuseKid = () => new AuthError('invalid_token', "The token's kid is malformed")

function issuerList(input: unknown): ReadonlySet<string> | undefined {
  if (input === undefined) return undefined
  const list = typeof input === 'string' ? [input] : input
  if (!Array.isArray(list) || list.length === 0 || list.some((i) => typeof i !== 'string' || i === '')) {
    throw new TypeError('"issuer" must be a non-empty string or a non-empty array of them')
  }
  return new Set(list as string[])
}

/**
 * Imports and binds every configured key once, and answers "which keys may verify this token?"
 * from precomputed tables: the issuer by `iss`, then the key by `kid`, then the algorithm.
 *
 * @example
 * ```ts
 * const store = createKeyStore({
 *   issuer: 'platform.example',
 *   keys: { secrets: { 'kid-1': process.env.HG_SECRET! }, jwks: 'https://idp.example/.well-known/jwks.json' },
 *   clock: systemClock,
 * })
 * const keys = await store.select({ alg: 'RS256', kid: 'abc' }, { iss: 'platform.example' })
 * ```
 */
export function createKeyStore(options: KeyStoreOptions): KeyStore {
  if (typeof options !== 'object' || options === null) throw new TypeError('key store options must be an object')
  const { keys, issuers, clock, onEvent } = options
  if (typeof clock?.now !== 'function') throw new TypeError('"clock" must be a Clock')
  if (onEvent !== undefined && typeof onEvent !== 'function') throw new TypeError('"onEvent" must be a function')
  if ((keys === undefined) === (issuers === undefined)) throw new TypeError('exactly one of "keys" and "issuers" must be given')
  if (issuers !== undefined && options.issuer !== undefined) {
    throw new TypeError('"issuer" cannot be combined with "issuers": the names in "issuers" are the accepted issuers')
  }
  const allowed = resolveAllowlist(options.algorithms)
  const emit = createEventSink(onEvent)
  const expected = issuerList(options.issuer)

  let single: KeySet | undefined
  const byIssuer = new Map<string, KeySet>()
  if (keys !== undefined) {
    single = new KeySet(keys, 'keys', allowed, clock, emit)
  } else {
    if (typeof issuers !== 'object' || issuers === null || Array.isArray(issuers) || Object.keys(issuers).length === 0) {
      throw new TypeError('"issuers" must be a non-empty object of key sets by issuer')
    }
    for (const [iss, set] of Object.entries(issuers)) byIssuer.set(iss, new KeySet(set, `issuers.${iss}`, allowed, clock, emit))
  }
  const sets = single !== undefined ? [single] : [...byIssuer.values()]
  const algorithms: ReadonlySet<Algorithm> = new Set(sets.flatMap((s) => [...s.algorithms]))

  const versions = sets.flatMap((s) => (s.version === undefined ? [] : [s.version]))
  // Versions only grow, so their sum changes whenever one does.
  const version = versions.length <= 1 ? versions[0] : () => versions.reduce((sum, v) => sum + v(), 0)

  return {
    algorithms,
    ...(version !== undefined && { version }),
    select(header, claims) {
      const alg = header.alg
      // Set lookup on exact names: 'none', 'NONE' and any non-string fail here.
      if (!algorithms.has(alg as Algorithm)) throw refuseAlg()
      const kid = header.kid
      if (kid !== undefined && typeof kid !== 'string') throw refuseKid()
      let set = single
      if (set === undefined) {
        const iss = claims?.iss
        set = typeof iss === 'string' ? byIssuer.get(iss) : undefined
        if (set === undefined) throw refuseIssuer()
      } else if (expected !== undefined && !(typeof claims?.iss === 'string' && expected.has(claims.iss))) {
        throw refuseIssuer()
      }
      if (!set.algorithms.has(alg as Algorithm)) throw refuseAlg()
      return set.select(alg as Algorithm, kid, header, claims)
    },
    close() {
      for (const set of sets) set.close()
    },
  }
}
