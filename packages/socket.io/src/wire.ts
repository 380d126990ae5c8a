import type { AuthContext } from '@hivegate/core'

/** The event a client emits with a token to authenticate in quarantine, or to re-authenticate. */
export const AUTH_EVENT = 'hivegate:auth'
/** The event the server emits when it refuses an event that has no ack, or before it disconnects. */
export const ERROR_EVENT = 'hivegate:error'

/** Why something was refused: a stable code and a safe description (an `AuthError` is one). */
export interface Failure {
  readonly code: string
  readonly message: string
}

/** The answer to an auth event: who the socket is and until when; never the token. */
export interface AuthSuccess {
  readonly ok: true
  readonly sub?: string
  readonly tnd?: string
  readonly exp?: number
  /** Epoch ms at which the connection is disconnected unless it re-authenticates. */
  readonly validUntil?: number
}

/** The answer to a refused auth event, and the payload of `hivegate:error`. */
export interface AuthFailure {
  readonly ok: false
  readonly error: string
  readonly error_description: string
  /** The refused event's name, on `hivegate:error` for a guarded event. */
  readonly event?: string
}

export function successOf(auth: AuthContext): AuthSuccess {
  const out: { -readonly [K in keyof AuthSuccess]: AuthSuccess[K] } = { ok: true }
  if (auth.subject !== undefined) out.sub = auth.subject
  if (auth.tenant !== undefined) out.tnd = auth.tenant
  if (typeof auth.claims.exp === 'number') out.exp = auth.claims.exp
  const until = deadlineOf(auth)
  if (until !== undefined) out.validUntil = until
  return out
}

export function failureOf(err: Failure, event?: string): AuthFailure {
  const out: { -readonly [K in keyof AuthFailure]: AuthFailure[K] } = { ok: false, error: err.code, error_description: err.message }
  if (event !== undefined) out.event = event
  return out
}

/**
 * When the verifier stops accepting the socket's token: its own `validUntil` (exp and
 * maxTokenAge, each with its clockTolerance); a context without one falls back to `expiresAt`.
 */
export function deadlineOf(auth: AuthContext | undefined): number | undefined {
  if (auth === undefined) return undefined
  return typeof auth.validUntil === 'number' ? auth.validUntil : auth.expiresAt
}

/**
 * The error `io.use()` fails a handshake with: socket.io sends the client its `message` and
 * `data` (`connect_error`), so `data` carries the RFC 6750-style `{ error, error_description }`
 * of core's JSON body, never the token.
 */
export type ConnectError<E extends Error = Error> = E & { data: { error: string; error_description: string } }

export function connectError<E extends Error & Failure>(err: E): ConnectError<E> {
  return Object.assign(err, { data: { error: err.code, error_description: err.message } })
}
