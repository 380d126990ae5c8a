import type { IncomingHttpHeaders } from 'node:http'

/** Which credentials the upstream must not see. `true` means both. */
export interface StripCredentialsOptions {
  /** Remove the auth cookie from `Cookie`, keeping every other cookie. */
  cookie?: boolean
  /** Remove the `Authorization` header, and the `DPoP` proof that goes with it (RFC 9449). */
  authorization?: boolean
  /** Remove the token query parameter from the URL (only matters when the `query` source is on). */
  query?: boolean
}

/** Normalised `stripCredentials`. */
export interface CredentialStripping {
  readonly cookie: boolean
  readonly authorization: boolean
  readonly query: boolean
}

/** Validates `stripCredentials` (boolean or object); default strips nothing. */
export function resolveStripCredentials(value: boolean | StripCredentialsOptions | undefined): CredentialStripping {
  if (value === undefined || value === false) return { cookie: false, authorization: false, query: false }
  if (value === true) return { cookie: true, authorization: true, query: true }
  if (typeof value !== 'object' || value === null) throw new TypeError('"stripCredentials" must be a boolean or { cookie, authorization, query }')
  for (const key of ['cookie', 'authorization', 'query'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'boolean') throw new TypeError(`"stripCredentials.${key}" must be a boolean`)
  }
  return { cookie: value.cookie === true, authorization: value.authorization === true, query: value.query === true }
}

/** `Cookie` without `name` (every occurrence); undefined when nothing is left. */
export function removeCookie(header: string | string[] | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  const text = Array.isArray(header) ? header.join('; ') : header
  const kept = text
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && (pair.includes('=') ? pair.slice(0, pair.indexOf('=')).trim() : pair) !== name)
  return kept.length === 0 ? undefined : kept.join('; ')
}

/** Applies `strip` to a header bag in place (the request's headers, before they are copied upstream). */
export function stripCredentials(headers: IncomingHttpHeaders, strip: CredentialStripping, cookieName: string): void {
  if (strip.authorization) {
    delete headers.authorization
    // The proof is spent here, and names this gateway's URL: it is credential material, not the upstream's.
    delete headers.dpop
  }
  if (strip.cookie && headers.cookie !== undefined) {
    const rest = removeCookie(headers.cookie, cookieName)
    if (rest === undefined) delete headers.cookie
    else headers.cookie = rest
  }
}

/** `url` without every `name=` query parameter; other parameters keep their order and encoding. */
export function removeQueryParameter(url: string, name: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const kept = url
    .slice(q + 1)
    .split('&')
    .filter((pair) => {
      const key = pair.split('=', 1)[0]!
      let decoded = key
      try {
        decoded = decodeURIComponent(key.replace(/\+/g, ' '))
      } catch {
        // An undecodable name is not the token parameter.
      }
      return pair !== '' && decoded !== name
    })
  return kept.length === 0 ? url.slice(0, q) : `${url.slice(0, q)}?${kept.join('&')}`
}
