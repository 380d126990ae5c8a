import { ALGORITHMS, type DpopOptions } from '@hivegate/core'
import { cappedInteger, cappedSeconds, durationSeconds, fail, mapping, string, stringList, type ConfigPath } from './check.js'
import { secretValue, type ConfigEnvironment } from './secrets.js'

const DPOP_KEYS = ['mode', 'algorithms', 'maxProofAge', 'clockTolerance', 'maxProofLength', 'maxReplayEntries', 'nonce', 'requestUrl']
const MODES = ['off', 'allowed', 'required']
// Proofs are signed by the client's own key pair: HMAC has no public key to bind a token to.
const PROOF_ALGORITHMS = ALGORITHMS.filter((alg) => !alg.startsWith('HS'))
// Core's bound on the proof time window: a day.
const MAX_SECONDS = 86_400
// Core's bound on a nonce secret (shared by every gateway behind one name).
const MIN_NONCE_SECRET_BYTES = 32

function seconds(value: unknown, path: ConfigPath, min: number): number | undefined {
  const s = durationSeconds(value, path)
  if (s !== undefined && (s < min || s > MAX_SECONDS)) fail(path, `must be from ${min}s to 24h`)
  return s
}

function nonce(value: unknown, path: ConfigPath, where: ConfigEnvironment): DpopOptions['nonce'] {
  if (value === undefined || typeof value === 'boolean') return value
  const raw = mapping(value, path, ['secret', 'rotation'])
  const out: Exclude<DpopOptions['nonce'], boolean | undefined> = {}
  if (raw.secret !== undefined) {
    const secret = secretValue(raw.secret, [...path, 'secret'], where)
    if (Buffer.byteLength(secret, 'utf8') < MIN_NONCE_SECRET_BYTES) fail([...path, 'secret'], `must be at least ${MIN_NONCE_SECRET_BYTES} bytes`)
    out.secret = secret
  }
  const rotation = cappedSeconds(raw.rotation, [...path, 'rotation'])
  if (rotation === 0) fail([...path, 'rotation'], 'must be more than 0')
  if (rotation !== undefined) out.rotation = rotation
  return out
}

// The public URL the gateway is reached at (a TLS proxy in front): `htu` is it plus the request target.
function requestUrl(value: unknown, path: ConfigPath): DpopOptions['requestUrl'] {
  if (value === undefined) return undefined
  const text = string(value, path)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    fail(path, 'must be an http:// or https:// URL such as https://api.example')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(path, 'must be an http:// or https:// URL such as https://api.example')
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') fail(path, 'must be a scheme, host and optional path prefix only')
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`
  return (view) => {
    const target = view.url ?? '/'
    if (target.startsWith('/')) return `${base}${target}`
    // An absolute-form target (sent to a proxy): its path, under the public URL.
    try {
      return `${base}${new URL(target).pathname}`
    } catch {
      return undefined
    }
  }
}

/** `auth.dpop`: DPoP-bound tokens (RFC 9449) as core's `dpop` option; a nonce secret comes from a file or the environment. */
export function dpopOptions(value: unknown, where: ConfigEnvironment): DpopOptions | undefined {
  if (value === undefined) return undefined
  const path: ConfigPath = ['auth', 'dpop']
  const raw = mapping(value, path, DPOP_KEYS)
  const at = (key: string): ConfigPath => [...path, key]
  if (raw.mode === undefined) fail(path, `needs "mode": ${MODES.join(', ')}`)
  if (!MODES.includes(raw.mode as string)) fail(at('mode'), `must be one of ${MODES.join(', ')}`)
  const out: DpopOptions = { mode: raw.mode as DpopOptions['mode'] }
  const algorithms = stringList(raw.algorithms, at('algorithms'))
  if (algorithms !== undefined) {
    if (algorithms.length === 0) fail(at('algorithms'), 'must list at least one algorithm')
    algorithms.forEach((alg, i) => (PROOF_ALGORITHMS as string[]).includes(alg) || fail([...at('algorithms'), i], `must be one of ${PROOF_ALGORITHMS.join(', ')}`))
    out.algorithms = algorithms as DpopOptions['algorithms']
  }
  const set = <K extends keyof DpopOptions>(key: K, v: DpopOptions[K] | undefined): void => {
    if (v !== undefined) out[key] = v
  }
  set('maxProofAge', seconds(raw.maxProofAge, at('maxProofAge'), 1))
  set('clockTolerance', seconds(raw.clockTolerance, at('clockTolerance'), 0))
  set('maxProofLength', cappedInteger(raw.maxProofLength, at('maxProofLength')))
  set('maxReplayEntries', cappedInteger(raw.maxReplayEntries, at('maxReplayEntries')))
  set('nonce', nonce(raw.nonce, at('nonce'), where))
  set('requestUrl', requestUrl(raw.requestUrl, at('requestUrl')))
  return out
}
