import { parseAuthMessage } from '@hivegate/core'
import type { AuthContext, SourceOutcome } from '@hivegate/core'

/** What a failure reply may say: a stable code and a safe message (an `AuthError` is one). */
export interface AuthFailure {
  readonly code: string
  readonly message: string
}

/**
 * How a persistent connection authenticates in-band: which messages are auth messages, and what
 * the server answers. Replies must never contain the token.
 */
export interface AuthProtocol {
  /** Short name, for logs and docs. */
  readonly name: string
  /** Reads one text message: `none` when it is not an auth message. Must not throw. */
  parse(text: string): SourceOutcome
  /** The reply to a successful authentication. */
  success(auth: AuthContext): string
  /** The reply to a failed one; `err.message` is safe to send. */
  failure(err: AuthFailure): string
}

/**
 * Identity helper that types a custom protocol.
 *
 * @example
 * ```ts
 * const graphqlWs = defineAuthProtocol({
 *   name: 'graphql-ws',
 *   parse: (text) => ..., // { kind: 'token', token } for {"type":"connection_init","payload":{"token":...}}
 *   success: () => JSON.stringify({ type: 'connection_ack' }),
 *   failure: (err) => JSON.stringify({ type: 'error', payload: { message: err.message } }),
 * })
 * ```
 */
export function defineAuthProtocol(protocol: AuthProtocol): AuthProtocol {
  return protocol
}

/** The claims a success reply may show the client: who it is and until when; never the token. */
export function publicClaims(auth: AuthContext): { sub?: string; tnd?: string; exp?: number } {
  const out: { sub?: string; tnd?: string; exp?: number } = {}
  if (auth.subject !== undefined) out.sub = auth.subject
  if (auth.tenant !== undefined) out.tnd = auth.tenant
  if (typeof auth.claims.exp === 'number') out.exp = auth.claims.exp
  return out
}

/**
 * The Hivekit wire format (the default): the client sends `Bearer <token>`; the replies are
 * `[{"typ":"sys","act":"aut","res":"suc","dat":{"sub","tnd","exp"}}]` and
 * `[{"typ":"sys","act":"aut","res":"err","err":"<reason>"}]`, without `cid` so the client does
 * not take them for the answer to a request of its own.
 */
export const hivekitProtocol: AuthProtocol = Object.freeze({
  name: 'hivekit',
  parse: (text: string) => parseAuthMessage(text),
  success: (auth: AuthContext) =>
    JSON.stringify([{ typ: 'sys', act: 'aut', res: 'suc', dat: publicClaims(auth) }]),
  failure: (err: AuthFailure) => JSON.stringify([{ typ: 'sys', act: 'aut', res: 'err', err: err.message }]),
})

const NONE: SourceOutcome = Object.freeze({ kind: 'none' })

/**
 * A JSON protocol: the client sends `{"type":"auth","token":"<token>"}`; the replies are
 * `{"type":"auth_ok","sub","tnd","exp"}` and `{"type":"auth_error","code","message"}`.
 */
export const jsonProtocol: AuthProtocol = Object.freeze({
  name: 'json',
  parse(text: string): SourceOutcome {
    // Cheap pre-check: most messages on a trusted connection are not auth messages.
    if (!text.includes('"auth"')) return NONE
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      return NONE
    }
    if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'auth') return NONE
    const token = (value as { token?: unknown }).token
    if (typeof token !== 'string' || token === '') {
      return { kind: 'malformed', reason: 'The auth message has no token' }
    }
    return { kind: 'token', token }
  },
  success: (auth: AuthContext) => JSON.stringify({ type: 'auth_ok', ...publicClaims(auth) }),
  failure: (err: AuthFailure) => JSON.stringify({ type: 'auth_error', code: err.code, message: err.message }),
})
