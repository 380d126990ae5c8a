import { isUtf8 } from 'node:buffer'
import { AuthError } from './errors.js'
import { isCanonicalTail } from './base64url.js'
import type { Claims } from './claims.js'
import type { Algorithm } from './keys/algorithms.js'
import { ALGORITHM_SPECS, type AlgorithmSpec } from './signature.js'

/** A compact JWS split, decoded and parsed; its signature not yet checked. */
export interface DecodedJws {
  readonly header: JwsHeader
  readonly claims: Claims
  readonly spec: AlgorithmSpec
  /** `header.payload`, the bytes the signature covers (ASCII). */
  readonly signingInput: string
  readonly signature: Buffer
}

function refuse(description: string): never {
  throw new AuthError('invalid_token', description)
}

// JSON of one segment; undefined unless it is a JSON object in valid UTF-8 without prototype keys.
// Errors are dropped: V8's SyntaxError messages quote the input.
function parseObject(bytes: Buffer): Record<string, unknown> | undefined {
  const text = bytes.toString('utf8')
  // U+FFFD marks either a real replacement character or invalid UTF-8; only then is the check needed.
  if (text.indexOf('\ufffd') !== -1 && !isUtf8(bytes)) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  // Cheap text test first: only a segment that spells ('proto' is in both names) or escapes one is walked.
  if ((text.includes('proto') || text.includes('\\u')) && hasPrototypeKey(value)) {
    refuse('The token has a "__proto__" or "constructor.prototype" member')
  }
  return value as Record<string, unknown>
}

/**
 * True when a parsed JSON value holds a `__proto__` key, or a `constructor` object with a
 * `prototype` key, at any depth. JSON.parse makes them plain own properties, but a careless deep
 * merge of the claims (lodash-style) would then pollute Object.prototype. Iterative: any depth.
 */
export function hasPrototypeKey(root: unknown): boolean {
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const value = stack.pop()
    if (typeof value !== 'object' || value === null) continue
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push(value[i])
      continue
    }
    if (Object.hasOwn(value, '__proto__')) return true
    const ctor = (value as Record<string, unknown>).constructor
    if (Object.hasOwn(value, 'constructor') && typeof ctor === 'object' && ctor !== null && Object.hasOwn(ctor, 'prototype')) return true
    for (const key of Object.keys(value)) stack.push((value as Record<string, unknown>)[key])
  }
  return false
}

/** Most distinct headers remembered: real traffic uses a handful (one per alg/kid). */
const HEADER_CACHE_MAX = 64
/** Longest encoded header remembered; longer ones (x5c chains, padding) are parsed every time. */
const HEADER_CACHE_KEY_MAX = 1024
/** A parsed header and its encoded form: a copy, since a slice of the token would keep the whole token alive (V8 sliced strings). */
interface KnownHeader {
  readonly encoded: string
  readonly header: JwsHeader
}
const headerCache = new Map<string, KnownHeader>()
// The last header met, tried first by prefix: traffic mostly repeats one header, and a prefix test needs no slice and no hash.
let lastHeader: KnownHeader = { encoded: '', header: { alg: '' } }

function parseHeader(token: string, encoded: string, allowed: ReadonlySet<string>): JwsHeader {
  const header = parseObject(decodeSegment(token, encoded))
  if (header === undefined) refuse('The token header is not a JSON object')
  const alg = header.alg
  // The spec table is checked too, so no allowlist can let `none` (in any casing) through.
  if (typeof alg !== 'string' || !allowed.has(alg) || !Object.hasOwn(ALGORITHM_SPECS, alg)) refuse('The token algorithm is not accepted')
  if (header.crit !== undefined) refuse('The token has critical header parameters this server does not understand')
  return Object.freeze(header) as JwsHeader
}

/**
 * The bytes of one segment of `token`, which holds no '+', '/' or character above U+007F. Node's
 * decoder skips any other character outside base64url, so a segment that is not strict base64url
 * decodes to fewer bytes than its length promises: one comparison replaces a scan of every character.
 */
function decodeSegment(token: string, segment: string): Buffer {
  const bytes = Buffer.from(segment, 'base64url')
  if (bytes.length !== (segment.length * 3) >> 2) refuseShape(token)
  return bytes
}

// Every refusal of the token's shape names the more useful of two causes.
function refuseShape(token: string): never {
  refuse(countDots(token) === 2 ? 'The token is not base64url' : 'The token must have exactly three parts')
}

/**
 * Splits a compact JWS into exactly three strict base64url parts (RFC 7515 §7.1) and parses its
 * header and payload. `allowed` is the algorithm allowlist; `crit` is refused whatever it names
 * (hivegate understands no extension) and `jku`, `x5u`, `jwk`, `x5c` are never read. Parsed
 * headers are remembered by their encoded form, per allowlist, in a small bounded map.
 *
 * @throws AuthError `invalid_token` with a description that quotes nothing from the token
 */
export function decodeCompact(token: string, allowed: ReadonlySet<string>): DecodedJws {
  const first = token.indexOf('.')
  const second = first === -1 ? -1 : token.indexOf('.', first + 1)
  const length = token.length
  // The characters Node's base64url decoder takes besides base64url: '+', '/', and any above U+00FF
  // (read by its low byte). Ruling them out here lets decodeSegment prove the rest by length.
  if (first <= 0 || second <= first + 1 || second >= length - 1 || token.indexOf('+') !== -1 || token.indexOf('/') !== -1 || Buffer.byteLength(token, 'utf8') !== length) {
    refuseShape(token)
  }
  if (!isCanonicalTail(token, 0, first) || !isCanonicalTail(token, first + 1, second) || !isCanonicalTail(token, second + 1, length)) {
    refuseShape(token)
  }
  // Both decoded before the header is read, so a token of the wrong shape is refused as such first.
  const payload = decodeSegment(token, token.slice(first + 1, second))
  const signature = decodeSegment(token, token.slice(second + 1))
  const header = knownHeader(token, first, allowed)
  const claims = parseObject(payload)
  if (claims === undefined) refuse('The token payload is not a JSON object')
  return {
    header,
    claims: claims as Claims,
    spec: ALGORITHM_SPECS[header.alg as Algorithm],
    signingInput: token.slice(0, second),
    signature,
  }
}

// The parsed header of `token`, whose first '.' is at `first`: remembered, or parsed and remembered.
function knownHeader(token: string, first: number, allowed: ReadonlySet<string>): JwsHeader {
  let known = first === lastHeader.encoded.length && token.startsWith(lastHeader.encoded) ? lastHeader : headerCache.get(token.slice(0, first))
  if (known === undefined || !allowed.has(known.header.alg)) {
    const encoded = token.slice(0, first)
    const header = parseHeader(token, encoded, allowed)
    if (encoded.length > HEADER_CACHE_KEY_MAX) return header
    known = { encoded: Buffer.from(encoded, 'latin1').toString('latin1'), header }
    if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear()
    headerCache.set(known.encoded, known)
  }
  lastHeader = known
  return known.header
}

function countDots(token: string): number {
  let dots = 0
  for (let i = token.indexOf('.'); i !== -1; i = token.indexOf('.', i + 1)) dots++
  return dots
}

/** Protected header of a compact JWS, as received (unverified until the signature is). */
export interface JwsHeader {
  alg: string
  kid?: string
  typ?: string
  crit?: string[]
  [parameter: string]: unknown
}
