import { createAuthenticator } from '@hivegate/core'
import {
  assertBoolean,
  assertOneOf,
  assertPlainObject,
  authenticatorOptionsOf,
  optionTypeError,
  QUARANTINE_LIMITS,
  readyAuthenticator,
  resolveQuarantineLimits,
} from '@hivegate/core/internal'
import type { QuarantineLimits } from '@hivegate/core/internal'
import type { AuthContext, Authenticator, AuthenticatorOptions, BuiltInSourceName, TokenSource } from '@hivegate/core'
import type { Socket } from 'socket.io'
import type { EventGuard } from './guards.js'
import { handshakeAuthSource } from './handshake-source.js'

export type { QuarantineLimits }

/** Options of {@link createSocketAuth}. */
export interface SocketAuthOptions extends AuthenticatorOptions, QuarantineLimits {
  /**
   * An authenticator built elsewhere (shared with other adapters); excludes the verifier and
   * resolver options. Sockets are disconnected at the `validUntil` its verifier gives each token.
   */
  authenticator?: Authenticator
  /**
   * Admit sockets whose handshake carries no token, withholding their events until an
   * `hivegate:auth` event verifies. Default false: such a handshake fails with `credentials_required`.
   */
  quarantine?: boolean
  /** Guards by event name, e.g. `{ 'ride:update': requirePermission('london', obj, 'U') }`. */
  events?: Readonly<Record<string, EventGuard>>
  /** What happens to an event `events` does not list: `'allow'` (default) or `'deny'`. */
  unlistedEvents?: 'allow' | 'deny'
  /** Called once when a socket becomes trusted (connected with a token, or promoted from quarantine). */
  onTrusted?: (socket: Socket, auth: AuthContext) => void
}

/** The limits with their defaults, in one place (core's, the same as `@hivegate/ws`). */
export const DEFAULT_LIMITS: Readonly<Required<QuarantineLimits>> = QUARANTINE_LIMITS

/** The resolver order of a socket.io handshake: `handshake.auth.token`, then the Bearer header, then the cookie. */
export const DEFAULT_SOURCES: ReadonlyArray<BuiltInSourceName | TokenSource> = Object.freeze([handshakeAuthSource, 'bearer', 'cookie'])

/** Options after validation. */
export interface ResolvedOptions {
  readonly authenticator: Authenticator
  readonly limits: Readonly<Required<QuarantineLimits>>
  readonly quarantine: boolean
  readonly events: ReadonlyMap<string, EventGuard>
  readonly denyUnlisted: boolean
  readonly onTrusted: ((socket: Socket, auth: AuthContext) => void) | undefined
}

function eventTable(value: unknown): Map<string, EventGuard> {
  if (value === undefined) return new Map()
  assertPlainObject('events', value)
  const table = new Map<string, EventGuard>()
  for (const [name, guard] of Object.entries(value)) {
    if (typeof guard !== 'function') throw optionTypeError(`events[${JSON.stringify(name)}]`, 'a guard from requirePermission() or requireDataProvider()', guard)
    table.set(name, guard as EventGuard)
  }
  return table
}

// The authenticator's options are those core names in the flat bag; the rest are this package's own.
function buildAuthenticator(options: SocketAuthOptions): Authenticator {
  return readyAuthenticator(options) ?? createAuthenticator({ ...authenticatorOptionsOf(options), sources: options.sources ?? DEFAULT_SOURCES, optional: true })
}

/** Validates the options once, at construction, and builds the authenticator. */
export function resolveOptions(options: SocketAuthOptions): ResolvedOptions {
  assertPlainObject('options', options)
  const limits = resolveQuarantineLimits(options)
  if (options.quarantine !== undefined) assertBoolean('quarantine', options.quarantine)
  if (options.unlistedEvents !== undefined) assertOneOf('unlistedEvents', options.unlistedEvents, ['allow', 'deny'] as const)
  const onTrusted = options.onTrusted
  if (onTrusted !== undefined && typeof onTrusted !== 'function') throw optionTypeError('onTrusted', 'a function', onTrusted)
  const events = eventTable(options.events)
  return {
    authenticator: buildAuthenticator(options),
    limits,
    quarantine: options.quarantine === true,
    events,
    denyUnlisted: options.unlistedEvents === 'deny',
    onTrusted: onTrusted as ResolvedOptions['onTrusted'],
  }
}
