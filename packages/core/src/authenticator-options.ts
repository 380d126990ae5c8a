import type { ThrottleOptions } from './throttle/index.js'
import type { Authenticator } from './authenticator.js'
import type { DpopOptions } from './dpop/options.js'
import type { OriginRule } from './origin.js'
import type { ResolverOptions } from './resolver/options.js'
import type { VerifierOptions } from './verifier-options.js'
import type { Verifier } from './verifier.js'
import type { DpopCheck } from './dpop/check.js'
import { assertBoolean, assertOneOf, assertString, optionNames, optionTypeError, pickOptions } from './options.js'
import { assertOriginRule } from './origin.js'
import { RESOLVER_DEFAULTS, RESOLVER_OPTION_NAMES } from './resolver/options.js'
import { VERIFIER_OPTION_NAMES } from './verifier-options.js'
import { createVerifier } from './verifier.js'

/**
 * Every option name of {@link AuthenticatorOptions}: its own, the verifier's and the resolver's,
 * each listed once by its layer. A wrapper with a flat bag takes these out; the rest are its own.
 */
export const AUTHENTICATOR_OPTION_NAMES: ReadonlyArray<keyof AuthenticatorOptions & string> = Object.freeze([
  ...optionNames<Omit<AuthenticatorOptions, keyof VerifierOptions | keyof ResolverOptions>>({
    verifier: true, optional: true, allowedOrigins: true, realm: true, throttle: true, dpop: true,
  }),
  ...VERIFIER_OPTION_NAMES,
  ...RESOLVER_OPTION_NAMES,
])

/** The authenticator's options out of a wrapper's flat bag (the set ones among {@link AUTHENTICATOR_OPTION_NAMES}). */
export function authenticatorOptionsOf(options: object): AuthenticatorOptions {
  return pickOptions<AuthenticatorOptions>(options, AUTHENTICATOR_OPTION_NAMES)
}

/** The first authenticator option set in `options`, or undefined. */
export function firstAuthenticatorOption(options: object): string | undefined {
  return AUTHENTICATOR_OPTION_NAMES.find((name) => (options as Record<string, unknown>)[name] !== undefined)
}

/** Defaults of the authenticator's own options. */
export const AUTHENTICATOR_DEFAULTS = Object.freeze({
  optional: false as boolean,
  allowedOrigins: undefined as OriginRule | undefined,
  realm: undefined as string | undefined,
  checkOrigin: 'unsafe-methods' as NonNullable<AuthenticateOptions['checkOrigin']>,
})

const CHECK_ORIGIN_VALUES = ['always', 'unsafe-methods'] as const
export type CheckOrigin = NonNullable<AuthenticateOptions['checkOrigin']>

/** The per-call `checkOrigin`, validated. */
export function checkOriginOf(call: AuthenticateOptions | undefined): CheckOrigin {
  if (call?.checkOrigin === undefined) return AUTHENTICATOR_DEFAULTS.checkOrigin
  assertOneOf('checkOrigin', call.checkOrigin, CHECK_ORIGIN_VALUES)
  return call.checkOrigin
}

/** The ready `verifier`, or one built from the verifier options; never both. */
export function buildVerifier(options: AuthenticatorOptions): Verifier {
  const given = VERIFIER_OPTION_NAMES.filter((name) => options[name] !== undefined)
  if (options.verifier !== undefined) {
    if (given.length > 0) throw new TypeError(`"verifier" cannot be combined with verifier options (${given.map((n) => `"${n}"`).join(', ')})`)
    const { verifier } = options
    if (typeof verifier !== 'object' || verifier === null || typeof verifier.verify !== 'function') {
      throw optionTypeError('verifier', 'a Verifier from createVerifier()', verifier)
    }
    return verifier
  }
  return createVerifier(pickOptions<VerifierOptions>(options, given))
}

/** The resolver's options out of the authenticator's, with the DPoP scheme's source when DPoP is on. */
export function resolverOptions(options: AuthenticatorOptions, dpop: DpopCheck | undefined): ResolverOptions {
  const picked = pickOptions<{ -readonly [K in keyof ResolverOptions]: ResolverOptions[K] }>(options, RESOLVER_OPTION_NAMES)
  if (dpop !== undefined) picked.sources = dpop.sources(options.sources ?? RESOLVER_DEFAULTS.sources)
  return picked
}


/** The authenticator's own options, validated once. */
export function resolveAuthenticatorOptions(options: AuthenticatorOptions): { optional: boolean; realm: string | undefined; allowedOrigins: OriginRule | undefined } {
  if (typeof options !== 'object' || options === null) throw optionTypeError('options', 'an object', options)
  const settings = { ...AUTHENTICATOR_DEFAULTS }
  if (options.optional !== undefined) assertBoolean('optional', (settings.optional = options.optional))
  if (options.realm !== undefined) assertString('realm', (settings.realm = options.realm))
  assertOriginRule('allowedOrigins', (settings.allowedOrigins = options.allowedOrigins))
  return { optional: settings.optional, realm: settings.realm, allowedOrigins: settings.allowedOrigins }
}

/**
 * The ready `authenticator` a wrapper (an adapter, a gateway) was given instead of the
 * authenticator's options, checked; undefined when none was. Beside it no authenticator option
 * (nor the wrapper's `group` of them, e.g. `auth`) may be set: the authenticator already holds its
 * resolver and verifier, so their options would do nothing. The wrapper's own options may.
 */
export function readyAuthenticator(options: object, group?: string): Authenticator | undefined {
  const given = (options as { authenticator?: unknown }).authenticator
  if (given === undefined) return undefined
  const ready = given as Partial<Authenticator> | null
  if (typeof ready !== 'object' || ready === null || typeof ready.authenticate !== 'function' || typeof ready.authenticateEager !== 'function' || ready.verifier === undefined) {
    throw optionTypeError('authenticator', 'an Authenticator from createAuthenticator()', given)
  }
  if (group !== undefined && (options as Record<string, unknown>)[group] !== undefined) throw new TypeError(`"${group}" cannot be combined with "authenticator"`)
  const ignored = firstAuthenticatorOption(options)
  if (ignored !== undefined) throw new TypeError(`"${ignored}" cannot be used with "authenticator"; set it where the authenticator is built`)
  return ready as Authenticator
}

/** Options of {@link Authenticator}: a verifier (or its options) plus the resolver's and the adapters' own. */
export interface AuthenticatorOptions extends VerifierOptions, ResolverOptions {
  /** A verifier built elsewhere; excludes the verifier options. */
  verifier?: Verifier
  /** A request without credentials passes with no AuthContext; bad credentials still fail. */
  optional?: boolean
  /**
   * Origins allowed to send unsafe (POST, PUT, PATCH, DELETE) requests authenticated by the
   * cookie source, and WebSocket upgrades authenticated by cookie. Default: the request's own host.
   */
  allowedOrigins?: OriginRule
  /** Realm of the `WWW-Authenticate` challenge. */
  realm?: string
  /** Failure throttling: 429 for a client key after too many failed authentications. Off by default. */
  throttle?: ThrottleOptions | false
  /** DPoP-bound access tokens (RFC 9449): `{ mode: 'allowed' | 'required', … }`. Default off. */
  dpop?: DpopOptions
}

/** Per-call options of {@link Authenticator.authenticate}. */
export interface AuthenticateOptions {
  /**
   * When a cookie-authenticated request must pass the `allowedOrigins` check: `'unsafe-methods'`
   * (default: every method but GET, HEAD and OPTIONS) or `'always'` (WebSocket upgrades, which
   * are GETs a cross-site page can start: cross-site WebSocket hijacking).
   */
  checkOrigin?: 'always' | 'unsafe-methods'
}
