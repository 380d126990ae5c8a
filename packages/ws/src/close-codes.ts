/**
 * Why a connection is closed: a WebSocket close code, a stable string code, and a safe reason.
 * Core's `AuthError` has this shape (closeCode 4400 malformed, 4401 invalid/expired/revoked token,
 * 4403 forbidden, 4503 busy); the other closings are below.
 */
export interface Closing {
  readonly closeCode: number
  readonly code: string
  readonly message: string
}

/**
 * The closings this package adds to the auth-failure codes. 4xxx codes are the application
 * range of RFC 6455 §7.4.2; every reason fits the 123 bytes a close frame allows.
 */
export const CLOSINGS = Object.freeze({
  /** No valid auth message within `quarantineTimeout`. */
  quarantineTimeout: { closeCode: 4408, code: 'quarantine_timeout', message: 'Authentication timed out' },
  /** `maxAuthAttempts` auth messages failed. */
  tooManyAttempts: { closeCode: 4429, code: 'too_many_attempts', message: 'Too many failed authentication attempts' },
  /** More than `maxIgnoredMessages` non-auth messages in quarantine. */
  tooManyMessages: { closeCode: 4429, code: 'too_many_messages', message: 'Too many messages before authentication' },
  /** A quarantined message (or TCP line) over the size limit. */
  messageTooBig: { closeCode: 1009, code: 'message_too_big', message: 'Message too big' },
  /** `closeWhere()` without a code. */
  closedByServer: { closeCode: 1008, code: 'closed_by_server', message: 'Connection closed by the server' },
  /** `close()` of the handler. */
  goingAway: { closeCode: 1001, code: 'going_away', message: 'Server is shutting down' },
} satisfies Record<string, Closing>)

const MAX_REASON_BYTES = 123

/**
 * Cuts a close reason to the 123 bytes a close frame allows (RFC 6455 §5.5), on a character
 * boundary. A Buffer (a reason as ws reports it) is read as UTF-8 first.
 */
export function closeReason(reason: string | Buffer): string {
  const text = typeof reason === 'string' ? reason : reason.toString('utf8')
  if (Buffer.byteLength(text) <= MAX_REASON_BYTES) return text
  let out = ''
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > MAX_REASON_BYTES) break
    out += ch
  }
  return out
}
