import type { Failure } from './wire.js'

/**
 * Why hivegate disconnects a socket, beside core's AuthError codes (`token_expired`,
 * `token_revoked`, …). The client gets `hivegate:error` with the code, then the disconnect.
 */
export const CLOSINGS = Object.freeze({
  /** No valid auth event within `quarantineTimeout`. */
  quarantineTimeout: { code: 'quarantine_timeout', message: 'Authentication timed out' },
  /** `maxAuthAttempts` auth events failed. */
  tooManyAttempts: { code: 'too_many_attempts', message: 'Too many failed authentication attempts' },
  /** More than `maxIgnoredMessages` other events in quarantine. */
  tooManyMessages: { code: 'too_many_messages', message: 'Too many messages before authentication' },
  /** An auth event whose token is over `maxMessageSize`. */
  messageTooBig: { code: 'message_too_big', message: 'Message too big' },
  /** `closeWhere()` without a reason. */
  closedByServer: { code: 'closed_by_server', message: 'Connection closed by the server' },
  /** `close()` of the handler. */
  goingAway: { code: 'going_away', message: 'Server is shutting down' },
} satisfies Record<string, Failure>)
