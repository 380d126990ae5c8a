import { parseDuration, systemClock, type Clock, type SecretInput } from '@hivegate/core'
import { createSealer, secretBytes, type Sealer } from './seal.js'
import type { SessionOptions } from './session.js'

/** Options both login flows take. */
export interface CommonLoginOptions {
  /** How the hivegate session token is signed and which cookie carries it. */
  session: SessionOptions
  /** Secret (≥ 32 bytes) sealing the short-lived login cookie. Default: `session.secret`. */
  stateSecret?: SecretInput
  /** Path the routes live under: `<basePath>/login`, `<basePath>/logout`. Default: the redirect URI's parent path. */
  basePath?: string
  /** How long a started login may take: seconds or '10m'-style. Default '10m'. */
  loginTtl?: number | string
  /** Where to go after login or logout when no `returnTo` is given. Default '/'. */
  defaultReturnTo?: string
  /** Longest `returnTo` accepted, characters. Default 2048. */
  maxReturnToLength?: number
  /** How many completed logins are remembered to refuse replays. Default 10000. */
  maxPendingLogins?: number
  /** Permit plain http for localhost and loopback URLs (development only). Default false. */
  allowHttpLocalhost?: boolean
  /** Time source for login expiry and session tokens. Default the system clock. */
  clock?: Clock
  /** Sees every failure (a LoginError, or anything unexpected) before the error response is sent. */
  onError?: (err: unknown) => void
}

/** Defaults of {@link CommonLoginOptions}, in one place. */
export const COMMON_DEFAULTS = Object.freeze({
  loginTtl: '10m',
  defaultReturnTo: '/',
  maxReturnToLength: 2048,
  maxPendingLogins: 10000,
  allowHttpLocalhost: false,
})

export interface ResolvedCommon {
  sealer: Sealer
  loginTtl: number
  defaultReturnTo: string
  maxReturnToLength: number
  maxPendingLogins: number
  allowHttpLocalhost: boolean
  clock: Clock
  onError: ((err: unknown) => void) | undefined
}

/** A positive safe integer option, or its default; throws a RangeError naming it. */
export function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new RangeError(`"${name}" must be a positive integer`)
  return value as number
}

/** A non-empty string option; throws a TypeError naming it. */
export function requiredString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`"${name}" must be a non-empty string`)
  return value
}

/** An optional function option; throws a TypeError naming it. */
export function optionalFunction<F>(value: unknown, name: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`"${name}" must be a function`)
  return value as F | undefined
}

/** Validates the options both flows share. */
export function resolveCommon(options: CommonLoginOptions): ResolvedCommon {
  if (typeof options.session !== 'object' || options.session === null) throw new TypeError('"session" must be an object')
  const stateSecret = options.stateSecret ?? options.session.secret
  if (stateSecret === undefined) throw new TypeError('"stateSecret" is required when "session" has no "secret"')
  const loginTtl = parseDuration(options.loginTtl ?? COMMON_DEFAULTS.loginTtl, 'loginTtl')
  if (loginTtl < 1) throw new RangeError('"loginTtl" must be at least one second')
  const defaultReturnTo = options.defaultReturnTo ?? COMMON_DEFAULTS.defaultReturnTo
  if (typeof defaultReturnTo !== 'string' || !defaultReturnTo.startsWith('/') || defaultReturnTo.startsWith('//') || defaultReturnTo.includes('\\')) {
    throw new TypeError('"defaultReturnTo" must be a path starting with a single "/"')
  }
  const allow = options.allowHttpLocalhost ?? COMMON_DEFAULTS.allowHttpLocalhost
  if (typeof allow !== 'boolean') throw new TypeError('"allowHttpLocalhost" must be a boolean')
  const clock = options.clock ?? systemClock
  if (typeof clock?.now !== 'function') throw new TypeError('"clock" must be a Clock')
  return {
    sealer: createSealer(secretBytes(stateSecret, options.stateSecret === undefined ? 'session.secret' : 'stateSecret')),
    loginTtl,
    defaultReturnTo,
    maxReturnToLength: positiveInteger(options.maxReturnToLength, 'maxReturnToLength', COMMON_DEFAULTS.maxReturnToLength),
    maxPendingLogins: positiveInteger(options.maxPendingLogins, 'maxPendingLogins', COMMON_DEFAULTS.maxPendingLogins),
    allowHttpLocalhost: allow,
    clock,
    onError: optionalFunction(options.onError, 'onError'),
  }
}

/** The routes of a flow from its callback path and optional base path; throws when they disagree. */
export function resolvePaths(callbackPath: string, basePath: string | undefined): { base: string; login: string; callback: string; logout: string } {
  const base = basePath ?? callbackPath.slice(0, callbackPath.lastIndexOf('/'))
  if (typeof base !== 'string' || (base !== '' && (!base.startsWith('/') || base.endsWith('/')))) {
    throw new TypeError('"basePath" must be empty or a path starting with "/" and not ending with "/"')
  }
  if (!callbackPath.startsWith(`${base}/`)) throw new TypeError('"basePath" must contain the redirect URI path')
  return { base, login: `${base}/login`, callback: callbackPath, logout: `${base}/logout` }
}
