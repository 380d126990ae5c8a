import { createAuthenticator } from '@hivegate/core'
import { assertPlainObject, authenticatorOptionsOf, firstAuthenticatorOption, readyAuthenticator, QUARANTINE_LIMITS, resolveQuarantineLimits } from '@hivegate/core/internal'
import type { QuarantineLimits } from '@hivegate/core/internal'
import type { Authenticator, AuthenticatorOptions, BuiltInSourceName, TokenSource } from '@hivegate/core'
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
  const group = options.auth
  let authenticator = readyAuthenticator(options, 'auth')
  if (group !== undefined) {
    assertPlainObject('auth', group as unknown)
    const flat = authenticator === undefined ? firstAuthenticatorOption(options) : undefined
    if (flat !== undefined) throw new TypeError(`"${flat}" cannot be combined with "auth"; put it inside "auth"`)
  }
  // The authenticator's options: the `auth` group, or those in the flat bag beside this package's own.
  const built = group ?? authenticatorOptionsOf(options)
  authenticator ??= createAuthenticator({ ...built, sources: built.sources ?? sources, optional: true })
  return { authenticator, protocol, limits }
}
