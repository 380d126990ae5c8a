import type { QuarantineLimits } from './limits.js'

/**
 * What a quarantined connection may still spend: failed auth messages and withheld messages.
 * Each count says when its bound is crossed; the adapter closes the connection with its own code.
 */
export class QuarantineBudget {
  #failures = 0
  #ignored = 0

  constructor(private readonly limits: Readonly<Required<QuarantineLimits>>) {}

  /** Counts a failed auth message: true once `maxAuthAttempts` have failed. */
  failedAttempt(): boolean {
    return ++this.#failures >= this.limits.maxAuthAttempts
  }

  /** Counts a withheld (ignored) message: true once more than `maxIgnoredMessages` were. */
  ignoredMessage(): boolean {
    return ++this.#ignored > this.limits.maxIgnoredMessages
  }

  /** Messages queued behind a verification: true when `held` is more than `maxIgnoredMessages`. */
  tooManyHeld(held: number): boolean {
    return held > this.limits.maxIgnoredMessages
  }
}
