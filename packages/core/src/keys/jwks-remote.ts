import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import type { Algorithm } from './algorithms.js'
import { debugKeys, type EventSink } from './events.js'
import { fetchJwks, JwksFetchError } from './jwks-fetch.js'
import { jwksKeyCount, parseJwks } from './jwks-local.js'
import { KeyTable } from './key-table.js'
import type { ResolvedJwksOptions } from './options.js'

/** Longest kid quoted in a `jwks_cooldown` event. */
const LOGGED_KID_LENGTH = 64

// The kid comes from an unverified token and ends up in logs: printable ASCII only, so it cannot forge log lines.
function loggableKid(kid: string): string {
  return kid.slice(0, LOGGED_KID_LENGTH).replace(/[^\x20-\x7e]/g, '?')
}

/**
 * A remote JWKS: fetched lazily, one request at a time (single flight), fresh for `cacheMaxAge`.
 * A kid missing from a fresh set triggers a refetch at most once per `cooldown`; so does a retry
 * after a failed fetch. While the endpoint fails, the last good keys serve for `staleIfError`
 * past their max age. All time but the request timeout comes from the injected clock.
 */
export class RemoteJwks {
  private table: KeyTable | undefined
  private fetchedAt = 0
  private attemptedAt = Number.NEGATIVE_INFINITY
  private lastError: string | undefined
  private cooldownReported = false
  private inflight: Promise<void> | undefined
  private closed = false
  private readonly abort = new AbortController()
  /** The URL as logged: no credentials, query or fragment. */
  readonly label: string

  constructor(
    private readonly options: ResolvedJwksOptions,
    private readonly allowed: ReadonlySet<Algorithm>,
    private readonly clock: Clock,
    private readonly emit: EventSink,
  ) {
    this.label = `${options.url.origin}${options.url.pathname}`
  }

  /**
   * The key table to answer from. Synchronous while the cached set is fresh and knows `kid` (or no
   * refetch is allowed); a Promise when a fetch is needed. Throws `keys_unavailable` when there
   * are no keys and the endpoint fails.
   */
  tableFor(kid: string | undefined): KeyTable | Promise<KeyTable> {
    const now = this.clock.now()
    const table = this.table
    const fresh = table !== undefined && now - this.fetchedAt < this.options.cacheMaxAge
    if (fresh && (kid === undefined || table.hasKid(kid))) return table
    if (this.inflight !== undefined) return this.inflight.then(() => this.usable())
    if (fresh) {
      if (this.closed || now - this.attemptedAt < this.options.cooldown) {
        // One event per fetch window: a flood of random kids must not flood the logs.
        if (!this.cooldownReported) this.emit({ type: 'jwks_cooldown', url: this.label, kid: loggableKid(kid!) })
        this.cooldownReported = true
        return table
      }
      return this.refresh()
    }
    if (this.closed || (this.lastError !== undefined && now - this.attemptedAt < this.options.cooldown)) return this.usable()
    return this.refresh()
  }

  /** Aborts a request in flight; no further requests are made. */
  close(): void {
    this.closed = true
    this.abort.abort()
  }

  private refresh(): Promise<KeyTable> {
    this.attemptedAt = this.clock.now()
    this.cooldownReported = false
    const flight = this.load().finally(() => {
      this.inflight = undefined
    })
    this.inflight = flight
    return flight.then(() => this.usable())
  }

  private async load(): Promise<void> {
    try {
      const doc = await fetchJwks({
        url: this.options.url,
        timeout: this.options.timeout,
        maxResponseSize: this.options.maxResponseSize,
        headers: this.options.headers,
        signal: this.abort.signal,
      })
      // Counted before any import: each EC/RSA import costs ~0.15 ms, and a set within maxResponseSize can hold thousands.
      const count = jwksKeyCount(doc)
      if (count > this.options.maxKeys) throw new JwksFetchError(`response holds ${count} keys, more than maxKeys (${this.options.maxKeys})`)
      let parsed
      try {
        parsed = parseJwks(doc, 'jwks', false)
      } catch (err) {
        throw new JwksFetchError(`response is not a JWKS (${(err as Error).message})`)
      }
      for (const reason of parsed.skipped) debugKeys('%s: skipped %s', this.label, reason)
      this.table = new KeyTable(parsed.keys, this.allowed)
      this.fetchedAt = this.clock.now()
      this.lastError = undefined
      this.emit({ type: 'jwks_fetched', url: this.label, keys: this.table.size })
    } catch (err) {
      const message = err instanceof JwksFetchError ? err.message : 'request failed'
      this.lastError = message
      this.emit({ type: 'jwks_fetch_failed', url: this.label, error: message })
      const age = this.clock.now() - this.fetchedAt
      if (this.table !== undefined && age >= this.options.cacheMaxAge && this.withinStaleWindow()) {
        this.emit({ type: 'jwks_stale', url: this.label, age })
      }
    }
  }

  private withinStaleWindow(): boolean {
    return this.clock.now() - this.fetchedAt < this.options.cacheMaxAge + this.options.staleIfError
  }

  /** The cached table if still fresh or within the stale-if-error window; otherwise `keys_unavailable`. */
  private usable(): KeyTable {
    if (this.table !== undefined && this.withinStaleWindow()) return this.table
    throw new AuthError('keys_unavailable', undefined, { cause: `JWKS ${this.label}: ${this.lastError ?? 'no keys'}` })
  }
}
