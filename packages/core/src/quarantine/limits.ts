import { assertPositiveInteger } from '../options.js'

/** Bounds on what an unauthenticated persistent connection may cost; each closes it when crossed. */
export interface QuarantineLimits {
  /** Longest time in quarantine, ms (on the verifier's clock). Default 10 000. */
  quarantineTimeout?: number
  /** Failed auth messages before the connection is closed. Default 3. */
  maxAuthAttempts?: number
  /** Largest auth message (or token) accepted, bytes. Default 16 KiB. */
  maxMessageSize?: number
  /** Other messages tolerated (and withheld) in quarantine. Default 10. */
  maxIgnoredMessages?: number
  /** Connections in quarantine at once; more are refused with `server_busy`. Default 10 000. */
  maxQuarantined?: number
}

/** The limits with their defaults, in one place for every persistent-connection adapter. */
export const QUARANTINE_LIMITS: Readonly<Required<QuarantineLimits>> = Object.freeze({
  quarantineTimeout: 10_000,
  maxAuthAttempts: 3,
  maxMessageSize: 16 * 1024,
  maxIgnoredMessages: 10,
  maxQuarantined: 10_000,
})

/** The option names of {@link QuarantineLimits}. */
export const QUARANTINE_LIMIT_NAMES = Object.freeze(Object.keys(QUARANTINE_LIMITS) as (keyof QuarantineLimits)[])

/**
 * Reads the limits from an options bag, defaulting each one; `assertLimit` throws, naming the
 * option, for a value that is not a positive integer (default core's `assertPositiveInteger`).
 */
export function resolveQuarantineLimits(
  options: QuarantineLimits,
  assertLimit: (name: string, value: unknown) => void = assertPositiveInteger,
): Readonly<Required<QuarantineLimits>> {
  const limits = { ...QUARANTINE_LIMITS }
  for (const key of QUARANTINE_LIMIT_NAMES) {
    const value = options[key]
    if (value === undefined) continue
    assertLimit(key, value)
    limits[key] = value
  }
  return Object.freeze(limits)
}
