import { createAdapterGate, RESOLVER_DEFAULTS, type AdapterGate, type AuthenticatorOptions } from '@hivegate/core'
import { readyAuthenticator } from '@hivegate/core/internal'
import { subprotocolSource } from '@hivegate/ws'
import type { AuthProxyOptions, ResolvedProxyOptions } from './options.js'

/**
 * The gateway's one authentication pipeline, core's adapter gate: preflight handling, the
 * authenticator, and how a refusal is answered (always by the gateway itself). Upgrades go
 * through the same authenticator, so a WebSocket's token is verified once, like a request's. A
 * ready `authenticator` is used as it is (its sources included); only `auth` builds one.
 */
export function createProxyGate(options: AuthProxyOptions, resolved: ResolvedProxyOptions): AdapterGate {
  const ready = readyAuthenticator(options, 'auth')
  const built = ready === undefined ? authenticatorOptions(options.auth!, resolved) : { authenticator: ready }
  return createAdapterGate({ ...built, preflight: resolved.passPreflight ? 'pass' : 'authenticate', errorMode: 'respond' }, 'next')
}

// `websocket.quarantine.subprotocolTokenPrefix` adds @hivegate/ws's subprotocol source after the
// default ones, as the WebSocket handler does with its own default list.
function authenticatorOptions(auth: AuthenticatorOptions, resolved: ResolvedProxyOptions): AuthenticatorOptions {
  const prefix = resolved.websocket === false ? undefined : resolved.websocket.quarantine.subprotocolTokenPrefix
  if (prefix === undefined || auth.sources !== undefined || typeof prefix !== 'string') return auth
  return { ...auth, sources: [...RESOLVER_DEFAULTS.sources, subprotocolSource(prefix)] }
}
