import { randomBytes } from 'node:crypto'
import type { Clock } from '@hivegate/core'
import { LoginError } from './errors.js'
import { serializeCookie } from './cookies.js'
import type { FlowRequest } from './http.js'
import { ReplayGuard, type SealedData, type Sealer } from './seal.js'

/** What a login step keeps in the browser between the redirect out and the callback. */
export interface LoginStateStore<T extends SealedData> {
  /** Seals `data` with a fresh id; returns the `Set-Cookie` value. */
  start(data: T): string
  /** The sealed data of this request, or a LoginError: missing, invalid, expired, already consumed. */
  read(req: FlowRequest): T & { id: string; x: number }
  /** Marks a state used; a second use throws `login_state_replayed`. */
  consume(state: { id: string; x: number }): void
  /** A `Set-Cookie` value that deletes the state cookie. */
  clear(): string
}

export interface LoginStateOptions {
  sealer: Sealer
  cookieName: string
  path: string
  secure: boolean
  ttlSeconds: number
  maxPendingLogins: number
  clock: Clock
}

/** A short-lived HttpOnly cookie that the browser can neither read nor forge, used once. */
export function createLoginState<T extends SealedData>(options: LoginStateOptions): LoginStateStore<T> {
  const { sealer, cookieName, clock } = options
  const guard = new ReplayGuard(options.maxPendingLogins)
  const attributes = { path: options.path, secure: options.secure, sameSite: 'Lax' as const }
  return {
    start(data) {
      const id = randomBytes(16).toString('base64url')
      const value = sealer.seal(cookieName, { ...data, id }, clock.now() + options.ttlSeconds * 1000)
      return serializeCookie(cookieName, value, { ...attributes, maxAge: options.ttlSeconds })
    },
    read(req) {
      const value = req.cookies[cookieName]
      if (value === undefined || value === '') throw new LoginError('login_state_missing')
      const data = sealer.unseal(cookieName, value, clock.now())
      if (data === 'expired') throw new LoginError('login_state_expired')
      if (data === 'invalid' || typeof data.id !== 'string') throw new LoginError('login_state_invalid')
      // Refused before any step runs: a used login shows no callback page either.
      if (guard.has(data.id, clock.now())) throw new LoginError('login_state_replayed')
      return data as T & { id: string; x: number }
    },
    consume(state) {
      if (!guard.use(state.id, state.x, clock.now())) throw new LoginError('login_state_replayed')
    },
    clear: () => serializeCookie(cookieName, '', { ...attributes, maxAge: 0 }),
  }
}
