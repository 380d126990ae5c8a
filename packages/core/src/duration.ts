const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 }

/**
 * Parses a duration into whole seconds: a non-negative integer number of seconds, or a string of
 * digits followed by one unit, `s`, `m`, `h` or `d` (`'10s'`, `'15m'`, `'1h'`, `'30d'`). Nothing
 * else is accepted: no spaces, signs, fractions, or combined units.
 *
 * @param name option name used in the error message
 * @throws TypeError or RangeError naming the option
 * @example
 * ```ts
 * parseDuration('1h') // 3600
 * parseDuration(90)   // 90
 * ```
 */
export function parseDuration(value: number | string, name = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`"${name}" must be a non-negative integer number of seconds or a string like '15m'`)
    }
    return value
  }
  if (typeof value !== 'string') {
    throw new TypeError(`"${name}" must be a number of seconds or a string like '15m', '1h' or '30d'`)
  }
  const unit = UNIT_SECONDS[value.charAt(value.length - 1)]
  const digits = value.slice(0, -1)
  if (unit === undefined || digits.length === 0 || digits.length > 12 || !/^[0-9]+$/.test(digits)) {
    throw new RangeError(`"${name}" must be digits followed by s, m, h or d, e.g. '15m'`)
  }
  return Number(digits) * unit
}
