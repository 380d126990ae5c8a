import { createAuthenticator } from '@hivegate/core'
import { assertPlainObject, QUARANTINE_LIMITS, resolveQuarantineLimits } from '@hivegate/core/internal'
import type { QuarantineLimits } from '@hivegate/core/internal'
import type { Authenticator, AuthenticatorOptions, BuiltInSourceName, TokenSource } from '@hivegate/core'
import type { TcpAuthOptions } from './tcp-auth.js'
import type { WsAuthOptions } from './upgrade.js'
import { hivekitProtocol, type AuthProtocol } from './wire.js'

export type { QuarantineLimits }

/** Options shared by the WebSocket and the raw TCP variants. */
export interface ConnectionAuthOptions extends AuthenticatorOptions, QuarantineLimits {
  /**
   * An authenticator built elsewhere; excludes the verifier and resolver options. Trusted
   * connections close at the `validUntil` its verifier gives each token.
   */
  authenticator?: Authenticator
  /**
   * The resolver, verifier and origin options as one group (what `@hivegate/proxy` calls `auth`),
   * instead of beside the quarantine options; excludes `authenticator` and the flat ones.
   */
  auth?: AuthenticatorOptions
  /** Auth-message parser and reply format. Default {@link hivekitProtocol}. */
  protocol?: AuthProtocol
}

/** The limits with their defaults, in one place (core's, shared with `@hivegate/socket.io`). */
export const DEFAULT_LIMITS: Readonly<Required<QuarantineLimits>> = QUARANTINE_LIMITS

/** Options after validation. */
export interface ResolvedConnectionOptions {
  readonly authenticator: Authenticator
  readonly protocol: AuthProtocol
  readonly limits: Readonly<Required<QuarantineLimits>>
}

/** This package's own option names: everything else in the flat bag is the authenticator's. */
type OwnKey = Exclude<keyof WsAuthOptions | keyof TcpAuthOptions, keyof AuthenticatorOptions>

const OWN_KEY_LIST = [
  'auth',
  'authenticator',
  'protocol',
  'requireCredentialsAtUpgrade',
  'subprotocolTokenPrefix',
  'beforeUpgrade',
  'maxLineLength',
  'closeTimeout',
  'quarantineTimeout',
  'maxAuthAttempts',
  'maxMessageSize',
  'maxIgnoredMessages',
  'maxQuarantined',
] as const satisfies readonly OwnKey[]
// A new option missing from the list fails to compile here, so the split cannot drift from the types.
const listsEveryOwnKey: [Exclude<OwnKey, (typeof OWN_KEY_LIST)[number]>] extends [never] ? true : never = true
const OWN_KEYS: readonly string[] = listsEveryOwnKey && OWN_KEY_LIST

function firstAuthenticatorKey(options: ConnectionAuthOptions): string | undefined {
  return Object.keys(options).find((key) => !OWN_KEYS.includes(key) && (options as Record<string, unknown>)[key] !== undefined)
}

/** Throws a RangeError naming `name` unless `value` is a positive safe integer. */
export function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`"${name}" must be a positive integer`)
  }
  return value
}

function checkProtocol(protocol: unknown): AuthProtocol {
  const p = protocol as Partial<AuthProtocol> | null
  if (
    typeof p !== 'object' || p === null ||
    typeof p.parse !== 'function' || typeof p.success !== 'function' || typeof p.failure !== 'function'
  ) {
    throw new TypeError('"protocol" must be an object with parse(), success() and failure() functions')
  }
  return p as AuthProtocol
}

/**
 * Validates the shared options once, at construction, and builds the authenticator.
 * `sources` is the source list used when the options do not name one.
 */
export function resolveConnectionOptions(
  options: ConnectionAuthOptions,
  sources: ReadonlyArray<BuiltInSourceName | TokenSource>,
): ResolvedConnectionOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('"options" must be an object')
  const limits = resolveQuarantineLimits(options, positiveInteger)
  const protocol = options.protocol === undefined ? hivekitProtocol : checkProtocol(options.protocol)
  let authenticator = options.authenticator
  const group = options.auth
  if (group !== undefined) {
    assertPlainObject('auth', group as unknown)
    if (authenticator !== undefined) throw new TypeError('"auth" cannot be combined with "authenticator"')
    const flat = firstAuthenticatorKey(options)
    if (flat !== undefined) throw new TypeError(`"${flat}" cannot be combined with "auth"; put it inside "auth"`)
    authenticator = createAuthenticator({ ...group, sources: group.sources ?? sources, optional: true })
  } else if (authenticator === undefined) {
    const core: Record<string, unknown> = { ...options, sources: options.sources ?? sources, optional: true }
    for (const key of OWN_KEYS) delete core[key]
    authenticator = createAuthenticator(core as AuthenticatorOptions)
  } else if (typeof authenticator.authenticate !== 'function' || authenticator.verifier === undefined) {
    throw new TypeError('"authenticator" must be an Authenticator from createAuthenticator()')
  } else {
    // A ready authenticator already holds its resolver and verifier: their options here would do nothing.
    const ignored = firstAuthenticatorKey(options)
    if (ignored !== undefined) throw new TypeError(`"${ignored}" cannot be used with "authenticator"; set it where the authenticator is built`)
  }
  return { authenticator, protocol, limits }
}
