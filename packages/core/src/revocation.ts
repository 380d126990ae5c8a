import { systemClock, type Clock } from './clock.js'
import { assertPositiveInteger } from './options.js'

/** Options of {@link createRevocationList}. */
export interface RevocationListOptions {
  /** Time source that decides when an entry's `until` has passed. Default the system clock. */
  clock?: Clock
  /** Most `jti`s held at once. Default 100,000. A full list refuses new entries rather than forget one. */
  max?: number
}

const DEFAULTS = Object.freeze({ max: 100_000 })
/** Longest `jti` accepted, characters. */
export const MAX_JTI_LENGTH = 1024

/** The built-in list; the verifier reads {@link InMemoryRevocationList.revoked} directly on its hot path. */
export class InMemoryRevocationList implements RevocationList {
  readonly #until = new Map<string, number>()
  readonly #listeners = new Set<(jti: string) => void>()
  readonly #clock: Clock
  readonly #max: number
  #version = 0

  constructor(clock: Clock, max: number) {
    this.#clock = clock
    this.#max = max
  }

  revoke(jti: string, until?: number): void {
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
      throw new TypeError(`"jti" must be a non-empty string of at most ${MAX_JTI_LENGTH} characters`)
    }
    if (until !== undefined && (typeof until !== 'number' || Number.isNaN(until))) throw new TypeError('"until" must be epoch milliseconds')
    const now = this.#clock.now()
    const last = until ?? Infinity
    if (last <= now) return
    const entries = this.#until
    const previous = entries.get(jti)
    if (previous !== undefined && previous > now) {
      if (last > previous) entries.set(jti, last)
      return
    }
    if (previous === undefined && entries.size >= this.#max) {
      for (const [id, end] of entries) if (end <= now) entries.delete(id)
      if (entries.size >= this.#max) throw new RangeError(`the revocation list is full ("max" is ${this.#max})`)
    }
    entries.set(jti, last)
    this.#version++
    let failure: { error: unknown } | undefined
    for (const listener of [...this.#listeners]) {
      try {
        listener(jti)
      } catch (error) {
        failure ??= { error }
      }
    }
    if (failure !== undefined) throw failure.error
  }

  restore(jti: string): void {
    this.#until.delete(jti)
  }

  has(jti: string): boolean {
    const entries = this.#until
    const end = entries.get(jti)
    if (end === undefined) return false
    if (end > this.#clock.now()) return true
    entries.delete(jti)
    return false
  }

  /** {@link has} for a claim value of any type, with a fast exit while the list is empty. */
  revoked(jti: unknown): boolean {
    return this.#until.size !== 0 && typeof jti === 'string' && this.has(jti)
  }

  /** Changes whenever a `jti` is added, so a caller can skip lookups it made at the same version. */
  get version(): number {
    return this.#version
  }

  get size(): number {
    return this.#until.size
  }

  onRevoke(listener: (jti: string) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('"listener" must be a function')
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }
}

/**
 * An in-memory revocation list by `jti`. Entries revoked with an `until` (epoch ms, e.g. the
 * token's `exp`) are dropped once it has passed; entries without one stay until restored. A
 * listener that throws does not stop the others or the revocation; its error is rethrown after.
 *
 * @example
 * ```ts
 * const revocations = createRevocationList()
 * const verifier = createVerifier({ issuer, keys, revocations })
 * revocations.revoke('static-token-7')            // refused from now on, cached or not
 * ```
 */
export function createRevocationList(options: RevocationListOptions = {}): RevocationList {
  if (typeof options !== 'object' || options === null) throw new TypeError('revocation list options must be an object')
  const clock = options.clock ?? systemClock
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') throw new TypeError('"clock" must be a Clock')
  const max = options.max ?? DEFAULTS.max
  assertPositiveInteger('max', max)
  return new InMemoryRevocationList(clock, max)
}

/** Built-in revocation list by `jti`; revoking is how static tokens die. */
export interface RevocationList {
  /** Revokes `jti`; `until` (epoch ms, e.g. the token's exp) lets the entry be dropped later. */
  revoke(jti: string, until?: number): void
  /** Takes a revocation back. */
  restore(jti: string): void
  has(jti: string): boolean
  readonly size: number
  /** Called with each newly revoked `jti`; returns an unsubscribe function. */
  onRevoke(listener: (jti: string) => void): () => void
}
