import type { Clock } from '../clock.js'
import { ASYMMETRIC_ALGORITHMS, isAlgorithm } from '../keys/algorithms.js'
import { assertFiniteNumber, assertFunction, assertKnownKeys, assertOneOf, assertPlainObject, assertPositiveInteger, optionTypeError } from '../options.js'
import type { RequestView } from '../request-view.js'
import type { Algorithm } from '../keys/algorithms.js'
import { createNonceSource, type NonceSource } from './nonce.js'
import { createMemoryReplayStore, type DpopReplayStore } from './replay-store.js'

/** `off`: no DPoP. `allowed`: Bearer or DPoP tokens. `required`: DPoP-bound tokens only. */
export type DpopMode = 'off' | 'allowed' | 'required'

/** Server nonces (RFC 9449 §9). */
export interface DpopNonceOptions {
  /** Key the nonces derive from, at least 32 bytes; give processes behind one name the same. Default: random. */
  secret?: string | Uint8Array
  /** Seconds one nonce is handed out; it is accepted for two such periods. Default 300. */
  rotation?: number
}

/** The `dpop` option of an authenticator: DPoP-bound access tokens (RFC 9449). */
export interface DpopOptions {
  /** Default `off`. */
  mode?: DpopMode
  /** Proof algorithms accepted; asymmetric only. Default: every asymmetric algorithm hivegate verifies. */
  algorithms?: readonly Algorithm[]
  /** Oldest proof accepted: seconds between its `iat` and now. Default 60. */
  maxProofAge?: number
  /** Seconds a proof's `iat` may lie in the future (clock skew). Default 5. */
  clockTolerance?: number
  /** Longest `DPoP` header accepted, characters, checked before any decoding. Default 4096. */
  maxProofLength?: number
  /** Where used proof `jti`s are kept. Default: in memory, `maxReplayEntries` at most. */
  replayStore?: DpopReplayStore
  /** Most proofs the default in-memory replay store holds; when full, new proofs get `server_busy`. Default 100 000. */
  maxReplayEntries?: number
  /** Require a server nonce in every proof: `true` or nonce options. Default false. */
  nonce?: boolean | DpopNonceOptions
  /**
   * The URL a request was sent to, for the `htu` check, when the view cannot tell (a TLS proxy in
   * front that the host does not trust). Default: the view's scheme, `Host` and target.
   */
  requestUrl?: (view: RequestView) => string | undefined
}

/** Defaults of {@link DpopOptions}. */
export const DPOP_DEFAULTS = Object.freeze({
  mode: 'off' as DpopMode,
  algorithms: ASYMMETRIC_ALGORITHMS,
  maxProofAge: 60,
  clockTolerance: 5,
  maxProofLength: 4096,
  maxReplayEntries: 100_000,
  nonceRotation: 300,
})

const KNOWN = ['mode', 'algorithms', 'maxProofAge', 'clockTolerance', 'maxProofLength', 'replayStore', 'maxReplayEntries', 'nonce', 'requestUrl']
const MAX_SECONDS = 86_400

/** The validated `dpop` settings, built once per authenticator. */
export interface DpopSettings {
  readonly mode: 'allowed' | 'required'
  readonly algorithms: ReadonlySet<string>
  readonly algs: string
  readonly maxProofAge: number
  readonly clockTolerance: number
  readonly maxProofLength: number
  readonly replayStore: DpopReplayStore
  readonly nonces: NonceSource | undefined
  readonly requestUrl: ((view: RequestView) => string | undefined) | undefined
}

// Authenticators built from one options object (a gateway's HTTP and WebSocket sides) share its
// replay store and nonces, so a proof spent on one is spent on both and a nonce of one works on both.
const shared = new WeakMap<DpopOptions, { replayStore: DpopReplayStore; nonces: NonceSource | undefined }>()

function secretOf(value: unknown): Uint8Array | undefined {
  if (value === undefined) return undefined
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value instanceof Uint8Array ? value : undefined
  if (bytes === undefined) throw optionTypeError('dpop.nonce.secret', 'a string or Uint8Array', value)
  if (bytes.byteLength < 32) throw new RangeError('"dpop.nonce.secret" must be at least 32 bytes')
  return bytes
}

function nonceOptions(value: DpopOptions['nonce']): { secret: Uint8Array | undefined; rotation: number } | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return { secret: undefined, rotation: DPOP_DEFAULTS.nonceRotation }
  assertPlainObject('dpop.nonce', value)
  assertKnownKeys('dpop.nonce', value, ['secret', 'rotation'])
  const rotation = value.rotation ?? DPOP_DEFAULTS.nonceRotation
  assertPositiveInteger('dpop.nonce.rotation', rotation)
  return { secret: secretOf(value.secret), rotation }
}

/** Validates the `dpop` option once; undefined when DPoP is off. */
export function resolveDpopOptions(options: DpopOptions | undefined, clock: Clock): DpopSettings | undefined {
  if (options === undefined) return undefined
  assertPlainObject('dpop', options)
  const given = options as DpopOptions
  assertKnownKeys('dpop', options, KNOWN)
  const mode = options.mode ?? DPOP_DEFAULTS.mode
  assertOneOf('dpop.mode', mode, ['off', 'allowed', 'required'] as const)
  if (mode === 'off') return undefined
  const algorithms = options.algorithms ?? DPOP_DEFAULTS.algorithms
  if (!Array.isArray(algorithms) || algorithms.length === 0) throw optionTypeError('dpop.algorithms', 'a non-empty array of asymmetric algorithms', algorithms)
  for (const alg of algorithms) {
    if (!isAlgorithm(alg) || !ASYMMETRIC_ALGORITHMS.includes(alg)) {
      throw new TypeError(`"dpop.algorithms" must list asymmetric algorithms only (${ASYMMETRIC_ALGORITHMS.join(', ')}); got ${JSON.stringify(alg)}`)
    }
  }
  const maxProofAge = options.maxProofAge ?? DPOP_DEFAULTS.maxProofAge
  assertFiniteNumber('dpop.maxProofAge', maxProofAge, { min: 1, max: MAX_SECONDS })
  const clockTolerance = options.clockTolerance ?? DPOP_DEFAULTS.clockTolerance
  assertFiniteNumber('dpop.clockTolerance', clockTolerance, { min: 0, max: MAX_SECONDS })
  const maxProofLength = options.maxProofLength ?? DPOP_DEFAULTS.maxProofLength
  assertPositiveInteger('dpop.maxProofLength', maxProofLength)
  if (options.requestUrl !== undefined) assertFunction('dpop.requestUrl', options.requestUrl)
  const replayStore = options.replayStore as Partial<DpopReplayStore> | null | undefined
  if (replayStore !== undefined) {
    if (typeof replayStore !== 'object' || replayStore === null || typeof replayStore.add !== 'function') {
      throw optionTypeError('dpop.replayStore', 'a replay store with add(key, ttl)', replayStore)
    }
    if (options.maxReplayEntries !== undefined) throw new TypeError('"dpop.maxReplayEntries" cannot be used with "dpop.replayStore"')
  }
  const maxReplayEntries = options.maxReplayEntries ?? DPOP_DEFAULTS.maxReplayEntries
  assertPositiveInteger('dpop.maxReplayEntries', maxReplayEntries)
  const nonce = nonceOptions(options.nonce as DpopOptions['nonce'])
  let state = shared.get(given)
  if (state === undefined) {
    state = {
      replayStore: given.replayStore ?? createMemoryReplayStore({ maxEntries: maxReplayEntries, clock }),
      nonces: nonce === undefined ? undefined : createNonceSource(nonce.secret, nonce.rotation, clock),
    }
    shared.set(given, state)
  }
  return Object.freeze({
    mode,
    algorithms: new Set<string>(algorithms),
    algs: algorithms.join(' '),
    maxProofAge,
    clockTolerance,
    maxProofLength,
    replayStore: state.replayStore,
    nonces: state.nonces,
    requestUrl: given.requestUrl,
  })
}
