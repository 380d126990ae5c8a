/** Opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown

/**
 * The time source of a verifier and of everything built on it: claim checks, caches, JWKS
 * cooldowns and socket deadlines all read it, so tests move time without sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Runs `fn` after `ms`; never keeps the process alive on its own. */
  setTimeout(fn: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

/** The real clock: `Date.now()` and unref'd timers. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = setTimeout(fn, ms)
    timer.unref()
    return timer
  },
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>)
  },
})

/** A clock that moves only when told to; for tests. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void
  /** Moves time to `epochMs` (never backwards), running timers that fall due. */
  set(epochMs: number): void
  /** Number of timers not yet run or cleared. */
  readonly pending: number
}

interface ManualTimer {
  at: number
  seq: number
  fn: () => void
}

/**
 * @example
 * ```ts
 * const clock = createManualClock(Date.parse('2030-01-01'))
 * const verifier = createVerifier({ keys, clock })
 * clock.advance(3600_000) // an hour later: the token has expired
 * ```
 */
export function createManualClock(startMs: number = Date.now()): ManualClock {
  if (!Number.isFinite(startMs)) throw new TypeError('"startMs" must be a finite number of milliseconds')
  let now = startMs
  let seq = 0
  const timers = new Set<ManualTimer>()

  function runUntil(target: number): void {
    for (;;) {
      let next: ManualTimer | undefined
      for (const t of timers) {
        if (t.at <= target && (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t
      }
      if (next === undefined) break
      timers.delete(next)
      now = Math.max(now, next.at)
      next.fn()
    }
    now = Math.max(now, target)
  }

  return {
    now: () => now,
    setTimeout(fn: () => void, ms: number): TimerHandle {
      const timer: ManualTimer = { at: now + Math.max(0, ms), seq: seq++, fn }
      timers.add(timer)
      return timer
    },
    clearTimeout(handle: TimerHandle): void {
      timers.delete(handle as ManualTimer)
    },
    advance(ms: number): void {
      if (!(ms >= 0)) throw new RangeError('"ms" must be a non-negative number')
      runUntil(now + ms)
    },
    set(epochMs: number): void {
      runUntil(Math.max(now, epochMs))
    },
    get pending() {
      return timers.size
    },
  }
}
