import type { Authenticator, AuthenticatorOptions } from '@hivegate/core'
import type { Options as HpmOptions } from 'http-proxy-middleware'
import type { IdentityHeaderNames } from './identity.js'
import type { StripCredentialsOptions } from './credentials.js'
import type { RouteRule } from './routes.js'

/** Bounds of the WebSocket relay. Every size is attacker-controlled, so each has a safe default. */
export interface WebSocketRelayOptions {
  /** Largest WebSocket message accepted from either side, bytes. Default 1 MiB. */
  maxMessageSize?: number
  /** Bytes of client messages held while the upstream connection opens; over it, close 1008. Default 1 MiB. */
  maxPendingBytes?: number
  /** Bytes queued towards one side before reading from the other pauses. Default 1 MiB. */
  highWaterMark?: number
  /** Relayed connections at once; over it, upgrades get 503 and newly trusted connections close 1013. Default 10 000. */
  maxRelays?: number
  /**
   * Options passed to `@hivegate/ws`'s `createUpgradeHandler` (quarantine bounds, auth-message
   * format, `requireCredentialsAtUpgrade`, ...). The verifier and resolver come from `auth`.
   */
  quarantine?: Record<string, unknown>
}

/** How {@link authProxy} authenticates: exactly one of `auth` and `authenticator`. */
export type ProxyAuthentication =
  | {
      /** Resolver, verifier and origin options, as for every hivegate adapter. */
      auth: AuthenticatorOptions
      authenticator?: undefined
    }
  | {
      /**
       * An authenticator built elsewhere (shared with other adapters), instead of `auth`: its
       * resolver's cookie and query parameter are the ones stripped and filtered.
       */
      authenticator: Authenticator
      auth?: undefined
    }

/** Options of {@link authProxy}. */
export type AuthProxyOptions = AuthProxySettings & ProxyAuthentication

/** The options of {@link authProxy} beside how it authenticates. */
export interface AuthProxySettings {
  /** Upstream base URL, `http:` or `https:`; WebSockets go to the same host as `ws:`/`wss:`. */
  target: string | URL
  /** Per-route rules, first match wins; a request no rule matches needs a valid token and nothing more. */
  routes?: readonly RouteRule[]
  /** Identity header names. Default `x-hivegate-sub`, `x-hivegate-tenant`, `x-hivegate-claims`. */
  identityHeaders?: IdentityHeaderNames
  /** Keep the credential from the upstream: `true` strips the auth cookie and `Authorization`. Default false. */
  stripCredentials?: boolean | StripCredentialsOptions
  /** How long the upstream may stay silent, ms, before the client gets a 504. Default 30 000. */
  timeout?: number
  /** Rewrite `Host` to the target's. Default true. */
  changeOrigin?: boolean
  /**
   * `authenticate` (default): a CORS preflight needs credentials like any request. `pass`: proxy
   * preflights unauthenticated (without identity), since browsers never send credentials on one.
   */
  preflight?: 'authenticate' | 'pass'
  /**
   * `strip` (default): a `Set-Cookie` for the auth cookie in an upstream response is dropped, so an
   * upstream cannot plant or replace the credential. `pass`: the upstream runs the login itself.
   */
  upstreamAuthCookie?: 'strip' | 'pass'
  /** WebSocket relay bounds, or `false` to refuse every upgrade. */
  websocket?: false | WebSocketRelayOptions
  /** Further http-proxy-middleware options (e.g. `pathRewrite`, `headers`, `xfwd`); hivegate's own plugins are added to `plugins`. */
  proxy?: Omit<HpmOptions, 'target' | 'ws' | 'router' | 'proxyTimeout' | 'ejectPlugins'>
}

/** Defaults, in one place. */
export const PROXY_DEFAULTS = Object.freeze({
  timeout: 30_000,
  changeOrigin: true,
  preflight: 'authenticate' as 'authenticate' | 'pass',
  upstreamAuthCookie: 'strip' as 'strip' | 'pass',
  maxMessageSize: 1024 * 1024,
  maxPendingBytes: 1024 * 1024,
  highWaterMark: 1024 * 1024,
  maxRelays: 10_000,
})

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new RangeError(`"${name}" must be a positive integer`)
  return value
}

/** Validated options with defaults applied. */
export interface ResolvedProxyOptions {
  target: URL
  timeout: number
  changeOrigin: boolean
  passPreflight: boolean
  upstreamAuthCookie: 'strip' | 'pass'
  websocket: false | Required<Omit<WebSocketRelayOptions, 'quarantine'>> & { quarantine: Record<string, unknown> }
}

/** Validates the scalar options once, at construction. */
export function resolveProxyOptions(options: AuthProxyOptions): ResolvedProxyOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('authProxy options must be an object')
  let target: URL
  try {
    target = new URL(String(options.target))
  } catch {
    throw new TypeError('"target" must be an http: or https: URL')
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new TypeError('"target" must be an http: or https: URL')
  if (options.authenticator === undefined && (typeof options.auth !== 'object' || options.auth === null)) throw new TypeError('"auth" must be an object of authenticator options')
  if (options.changeOrigin !== undefined && typeof options.changeOrigin !== 'boolean') throw new TypeError('"changeOrigin" must be a boolean')
  const preflight = options.preflight ?? PROXY_DEFAULTS.preflight
  if (preflight !== 'authenticate' && preflight !== 'pass') throw new TypeError('"preflight" must be "authenticate" or "pass"')
  const upstreamAuthCookie = options.upstreamAuthCookie ?? PROXY_DEFAULTS.upstreamAuthCookie
  if (upstreamAuthCookie !== 'strip' && upstreamAuthCookie !== 'pass') throw new TypeError('"upstreamAuthCookie" must be "strip" or "pass"')
  const ws = options.websocket
  if (ws !== undefined && ws !== false && (typeof ws !== 'object' || ws === null)) throw new TypeError('"websocket" must be false or an object')
  const quarantine = ws ? ws.quarantine ?? {} : {}
  if (typeof quarantine !== 'object' || quarantine === null) throw new TypeError('"websocket.quarantine" must be an object')
  return {
    target,
    timeout: positiveInteger('timeout', options.timeout, PROXY_DEFAULTS.timeout),
    changeOrigin: options.changeOrigin ?? PROXY_DEFAULTS.changeOrigin,
    passPreflight: preflight === 'pass',
    upstreamAuthCookie,
    websocket:
      ws === false
        ? false
        : {
            maxMessageSize: positiveInteger('websocket.maxMessageSize', ws?.maxMessageSize, PROXY_DEFAULTS.maxMessageSize),
            maxPendingBytes: positiveInteger('websocket.maxPendingBytes', ws?.maxPendingBytes, PROXY_DEFAULTS.maxPendingBytes),
            highWaterMark: positiveInteger('websocket.highWaterMark', ws?.highWaterMark, PROXY_DEFAULTS.highWaterMark),
            maxRelays: positiveInteger('websocket.maxRelays', ws?.maxRelays, PROXY_DEFAULTS.maxRelays),
            quarantine,
          },
  }
}
