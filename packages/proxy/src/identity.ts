import type { IncomingMessage } from 'node:http'
import type { AuthContext } from '@hivegate/core'

/** Names of the headers that carry the caller's identity to the upstream; `false` turns one off. */
export interface IdentityHeaderNames {
  /** The token's `sub`. Default `x-hivegate-sub`. */
  subject?: string | false
  /** The token's `tnd`. Default `x-hivegate-tenant`. */
  tenant?: string | false
  /** Every verified claim, as base64url JSON. Default `x-hivegate-claims`. */
  claims?: string | false
}

/** Resolved header names (lower case), or undefined where switched off. */
export interface IdentityHeaders {
  readonly subject: string | undefined
  readonly tenant: string | undefined
  readonly claims: string | undefined
  /**
   * Every name a client may never send: the ones above and any `x-hivegate-*`, with `_` read as
   * `-` (CGI, WSGI and PHP upstreams turn both into the same `HTTP_X_HIVEGATE_SUB`).
   */
  isReserved(name: string): boolean
}

/** Default identity header names. */
export const DEFAULT_IDENTITY_HEADERS = Object.freeze({
  subject: 'x-hivegate-sub',
  tenant: 'x-hivegate-tenant',
  claims: 'x-hivegate-claims',
})

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const RESERVED_PREFIX = 'x-hivegate-'

/** Validates `identityHeaders`; a bad name throws a TypeError naming the option. */
export function resolveIdentityHeaders(names: IdentityHeaderNames | undefined): IdentityHeaders {
  if (names !== undefined && (typeof names !== 'object' || names === null)) {
    throw new TypeError('"identityHeaders" must be an object')
  }
  const pick = (key: keyof IdentityHeaderNames): string | undefined => {
    const value = names?.[key]
    if (value === false) return undefined
    if (value === undefined) return DEFAULT_IDENTITY_HEADERS[key]
    if (typeof value !== 'string' || !TOKEN.test(value)) {
      throw new TypeError(`"identityHeaders.${key}" must be a header name or false`)
    }
    return value.toLowerCase()
  }
  const subject = pick('subject')
  const tenant = pick('tenant')
  const claims = pick('claims')
  const reserved = new Set([...Object.values(DEFAULT_IDENTITY_HEADERS), subject, tenant, claims].filter((n) => n !== undefined))
  return {
    subject,
    tenant,
    claims,
    isReserved: (name) => {
      const lower = name.toLowerCase().replace(/_/g, '-')
      return reserved.has(lower) || lower.startsWith(RESERVED_PREFIX)
    },
  }
}

/**
 * Removes every identity header the client sent, from `headers` and from `rawHeaders` (where
 * duplicates and case variants live), so only the gateway can set them.
 */
export function removeSpoofedHeaders(req: IncomingMessage, names: IdentityHeaders): void {
  for (const name of Object.keys(req.headers)) {
    if (names.isReserved(name)) delete req.headers[name]
  }
  const raw = req.rawHeaders
  if (!Array.isArray(raw)) return
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (names.isReserved(raw[i]!)) raw.splice(i, 2)
  }
}

// Header values must be Latin-1 without CR/LF; non-ASCII text is percent-encoded.
function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value)
}

/** The identity headers for `auth`, ready to set on the upstream request. */
export function identityHeaderValues(auth: AuthContext, names: IdentityHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  if (names.subject !== undefined && auth.subject !== undefined) out[names.subject] = headerSafe(auth.subject)
  if (names.tenant !== undefined && auth.tenant !== undefined) out[names.tenant] = headerSafe(auth.tenant)
  if (names.claims !== undefined) out[names.claims] = Buffer.from(JSON.stringify(auth.claims)).toString('base64url')
  return out
}
