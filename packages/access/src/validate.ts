import { compilePermissions, isAuthError, parseDuration, type DataProviderClaim, type PermissionsClaim } from '@hivegate/core'
import { invalid } from './errors.js'
import type { ConnectionSelector } from './records.js'

/** Longest name, subject, tenant or actor accepted, characters. */
export const MAX_TEXT_LENGTH = 200
/** Largest `per` or `dpv` accepted, as JSON characters. */
export const MAX_GRANTS_LENGTH = 8192
const KID = /^[A-Za-z0-9._~-]{1,64}$/
const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const
export type SecretAlgorithm = (typeof HMAC_ALGORITHMS)[number]

/** What `createToken` is asked for, after checking. */
export interface TokenInput {
  name: string
  sub: string | undefined
  tnd: string | undefined
  per: PermissionsClaim | undefined
  dpv: DataProviderClaim | undefined
  /** Seconds from now; undefined for a token that never expires. */
  ttl: number | undefined
}

const TOKEN_FIELDS = new Set(['name', 'sub', 'tnd', 'per', 'dpv', 'expiresIn'])
const SECRET_FIELDS = new Set(['kid', 'alg'])
const SELECTOR_FIELDS = new Set(['sub', 'tnd', 'jti'])

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype
}

function knownFields(input: unknown, allowed: ReadonlySet<string>, what: string): Record<string, unknown> {
  if (!isPlainObject(input)) throw invalid(what, 'must be a JSON object')
  for (const key of Object.keys(input)) if (!allowed.has(key)) throw invalid(key, `is not a field of ${what}`)
  return input
}

/** A printable single-line string of 1…200 characters. */
export function text(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) throw invalid(field, 'is required')
    return undefined
  }
  if (typeof value !== 'string') throw invalid(field, 'must be a string')
  if (value.length > MAX_TEXT_LENGTH) throw invalid(field, `must be at most ${MAX_TEXT_LENGTH} characters`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw invalid(field, 'must not contain control characters')
  if (value.trim() !== value) throw invalid(field, 'must not start or end with white space')
  return value
}

/** A key id: letters, digits and `._~-`, at most 64 characters. */
export function kid(value: unknown, field = 'kid'): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string')
  if (!KID.test(value)) throw invalid(field, 'must be 1-64 letters, digits or ._~-')
  return value
}

/** A token id (`jti`) as the registry mints them: a UUID. */
export function tokenId(value: unknown, field = 'id'): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) {
    throw invalid(field, 'must be a token id (a UUID)')
  }
  return value
}

// The JSON may arrive as text (CLI, form fields) or as an object (JSON API).
function grants<T>(value: unknown, field: 'per' | 'dpv'): T | undefined {
  if (value === undefined || value === null || value === '') return undefined
  let parsed = value
  if (typeof value === 'string') {
    if (value.length > MAX_GRANTS_LENGTH) throw invalid(field, `must be at most ${MAX_GRANTS_LENGTH} characters of JSON`)
    try {
      parsed = JSON.parse(value)
    } catch {
      throw invalid(field, 'must be JSON')
    }
  } else if (JSON.stringify(value).length > MAX_GRANTS_LENGTH) {
    throw invalid(field, `must be at most ${MAX_GRANTS_LENGTH} characters of JSON`)
  }
  if (!isPlainObject(parsed)) throw invalid(field, 'must be a JSON object')
  try {
    compilePermissions({ [field]: parsed })
  } catch (err) {
    const reason = isAuthError(err) ? err.message.replace(/^The token's /, '') : 'is malformed'
    throw invalid(field, `is malformed: ${reason}`)
  }
  return parsed as T
}

/** Lifetime: seconds or '90d'-style; 'never' or nothing for a token without expiry. */
function lifetime(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '' || value === 'never') return undefined
  if (typeof value !== 'string' && typeof value !== 'number') throw invalid('expiresIn', "must be a duration like '90d', seconds, or 'never'")
  let seconds: number
  try {
    seconds = parseDuration(value, 'expiresIn')
  } catch {
    throw invalid('expiresIn', "must be a duration like '90d', seconds, or 'never'")
  }
  if (seconds <= 0) throw invalid('expiresIn', "must be more than 0 seconds, or 'never'")
  if (seconds > 100 * 365 * 86_400) throw invalid('expiresIn', "must be at most 100 years; use 'never'")
  return seconds
}

/** Checks a request to create a static token; throws an `invalid_input` AccessError naming the field. */
export function tokenInput(input: unknown): TokenInput {
  const fields = knownFields(input, TOKEN_FIELDS, 'a token')
  return {
    name: text(fields.name, 'name', true)!,
    sub: text(fields.sub, 'sub', false),
    tnd: text(fields.tnd, 'tnd', false),
    per: grants<PermissionsClaim>(fields.per, 'per'),
    dpv: grants<DataProviderClaim>(fields.dpv, 'dpv'),
    ttl: lifetime(fields.expiresIn),
  }
}

/** Checks a request to create a secret: an optional kid and HMAC algorithm. */
export function secretInput(input: unknown): { kid: string | undefined; alg: SecretAlgorithm } {
  const fields = knownFields(input ?? {}, SECRET_FIELDS, 'a secret')
  const alg = fields.alg ?? 'HS256'
  if (!(HMAC_ALGORITHMS as readonly unknown[]).includes(alg)) throw invalid('alg', `must be one of ${HMAC_ALGORITHMS.join(', ')}`)
  return { kid: fields.kid === undefined || fields.kid === '' ? undefined : kid(fields.kid), alg: alg as SecretAlgorithm }
}

/** Checks which connections to close: any of `sub`, `tnd`, `jti`, at least one. */
export function selectorInput(input: unknown): ConnectionSelector {
  const fields = knownFields(input, SELECTOR_FIELDS, 'a connection selector')
  const selector: { sub?: string; tnd?: string; jti?: string } = {}
  for (const name of ['sub', 'tnd', 'jti'] as const) {
    const value = text(fields[name], name, false)
    if (value !== undefined) selector[name] = value
  }
  if (Object.keys(selector).length === 0) throw invalid('sub', 'or "tnd" or "jti" is required: which connections to close')
  return Object.freeze(selector)
}
