import type { Clock, TimerHandle } from '../clock.js'

/**
 * The one timer of a persistent connection, on the verifier's clock: first its quarantine
 * timeout, then its token's deadline (re-armed on re-authentication), cleared when it closes.
 */
export class ConnectionTimer {
  #handle: TimerHandle | undefined

  constructor(private readonly clock: Clock) {}

  /** Calls `onTimeout` after `ms`, unless the timer is re-armed or cleared first. */
  quarantine(ms: number, onTimeout: () => void): void {
    this.clear()
    this.#handle = this.clock.setTimeout(onTimeout, ms)
  }

  /**
   * Calls `onExpired` once the deadline of `auth` is due (at once when it already is); a context
   * without a deadline only clears the timer. Long waits re-arm until the deadline is reached.
   */
  expireAt(auth: { validUntil?: number; expiresAt?: number }, onExpired: () => void): void {
    this.clear()
    const wait = expiryWait(auth, this.clock.now())
    if (wait === undefined) return
    if (wait === 0) return onExpired()
    this.#handle = this.clock.setTimeout(() => this.expireAt(auth, onExpired), wait)
  }

  clear(): void {
    this.clock.clearTimeout(this.#handle)
    this.#handle = undefined
  }
}

// Node clamps longer timeouts to 1 ms; long-lived tokens re-arm until their deadline is due.
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * How long a connection authenticated as `auth` may stay open from `now`: `undefined` when it has no
 * deadline, 0 when it is due, else the wait for the next timer (capped, so the caller re-arms).
 * The deadline is the verifier's own `validUntil` (exp and maxTokenAge with clockTolerance), or `expiresAt`.
 */
export function expiryWait(auth: { validUntil?: number; expiresAt?: number } | undefined, now: number): number | undefined {
  if (auth === undefined) return undefined
  const deadline = typeof auth.validUntil === 'number' ? auth.validUntil : auth.expiresAt
  if (deadline === undefined) return undefined
  return Math.max(0, Math.min(deadline - now, MAX_TIMER_MS))
}
