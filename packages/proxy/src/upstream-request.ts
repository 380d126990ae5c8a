import type { IncomingHttpHeaders } from 'node:http'
import type { AuthenticatorOptions, Authenticator } from '@hivegate/core'
import type { IdentityHeaders } from './identity.js'

// Hop-by-hop and handshake headers: the upstream WebSocket client makes its own.
const NOT_FORWARDED = new Set([
  'host', 'connection', 'upgrade', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'content-length',
  'proxy-authorization', 'proxy-connection', 'http2-settings',
])

/** Client handshake headers worth passing to the upstream WebSocket (cookies, origin, user agent, ...). */
export function upstreamHeaders(headers: IncomingHttpHeaders, names: IdentityHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_FORWARDED.has(name) || name.startsWith('sec-websocket-') || names.isReserved(name)) continue
    out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

/** The upstream WebSocket URL: the target's scheme turned to ws/wss, its path prefixed as for HTTP. */
export function upstreamWebSocketUrl(target: URL, requestUrl: string | undefined): string {
  const scheme = target.protocol === 'https:' ? 'wss:' : 'ws:'
  const base = target.pathname.endsWith('/') ? target.pathname.slice(0, -1) : target.pathname
  return `${scheme}//${target.host}${base}${requestUrl ?? '/'}`
}

const RESOLVER_AND_ADAPTER_KEYS = ['sources', 'cookieName', 'queryParameter', 'allowedOrigins', 'realm', 'dpop'] as const

/** Options for `@hivegate/ws`: the caller's quarantine options plus the gateway's own verifier and resolver settings. */
export function wsAuthOptions(auth: AuthenticatorOptions, authenticator: Authenticator, quarantine: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...quarantine }
  for (const key of RESOLVER_AND_ADAPTER_KEYS) if (auth[key] !== undefined) out[key] = auth[key]
  out.verifier = authenticator.verifier
  return out
}
