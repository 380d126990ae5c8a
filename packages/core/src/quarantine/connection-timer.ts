import type { Clock, TimerHandle } from '../clock.js'
import { expiryWait } from '../connection-registry.js'

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
