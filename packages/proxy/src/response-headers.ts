import type { IncomingMessage } from 'node:http'
import type { IdentityHeaders } from './identity.js'

/** What the gateway removes from an upstream response before the client sees it. */
export interface ResponseFilter {
  readonly names: IdentityHeaders
  /** The auth cookie's name; a `Set-Cookie` for it is dropped unless `passAuthCookie`. */
  readonly cookieName: string
  readonly passAuthCookie: boolean
}

function cookieNameOf(setCookie: string): string {
  const pair = setCookie.split(';', 1)[0]!
  const eq = pair.indexOf('=')
  return (eq === -1 ? pair : pair.slice(0, eq)).trim()
}

/**
 * Removes identity headers (the upstream echoing them would leak claims to the client) and, unless
 * allowed, any `Set-Cookie` for the auth cookie: only the login flow may set the credential, not
 * whatever an upstream (or an attacker who controls one response) answers.
 */
export function filterUpstreamResponse(res: IncomingMessage, filter: ResponseFilter): void {
  for (const name of Object.keys(res.headers)) if (filter.names.isReserved(name)) delete res.headers[name]
  const cookies = res.headers['set-cookie']
  if (filter.passAuthCookie || cookies === undefined) return
  const kept = cookies.filter((c) => cookieNameOf(c) !== filter.cookieName)
  if (kept.length === 0) delete res.headers['set-cookie']
  else res.headers['set-cookie'] = kept
}
