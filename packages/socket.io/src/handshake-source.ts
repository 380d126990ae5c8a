import { isCompactJws } from '@hivegate/core'
import type { RequestView, SourceOutcome, TokenSource } from '@hivegate/core'

/** A request view that also carries socket.io's `handshake.auth` (what the client passed as `auth`). */
export interface HandshakeView extends RequestView {
  readonly handshakeAuth?: unknown
}

const NONE: SourceOutcome = Object.freeze({ kind: 'none' })

/**
 * The token a socket.io client passes as `io(url, { auth: { token } })`. A missing, `undefined`
 * or `null` token is none (clients often pass `localStorage.getItem(...)`); any other non-string,
 * an empty string or one that is not a compact JWS is malformed (`invalid_request`).
 */
export const handshakeAuthSource: TokenSource = Object.freeze({
  name: 'handshake',
  read(view: RequestView): SourceOutcome {
    const auth = (view as HandshakeView).handshakeAuth
    if (typeof auth !== 'object' || auth === null) return NONE
    const token: unknown = Object.hasOwn(auth, 'token') ? (auth as { token?: unknown }).token : undefined
    if (token === undefined || token === null) return NONE
    if (typeof token !== 'string') return { kind: 'malformed', reason: 'The handshake token must be a string' }
    if (!isCompactJws(token)) return { kind: 'malformed', reason: 'The handshake token is not a compact JWS' }
    return { kind: 'token', token }
  },
})
