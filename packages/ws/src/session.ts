import { AuthError, isAuthError } from '@hivegate/core'
import { ConnectionTimer, QuarantineBudget } from '@hivegate/core/internal'
import type { AuthContext, SourceOutcome, Verifier } from '@hivegate/core'
import { CLOSINGS, type Closing } from './close-codes.js'
import type { QuarantineLimits } from './options.js'
import type { Registry, Tracked } from './registry.js'
import type { AuthProtocol } from './wire.js'

/** One received message: its text (undefined when binary), its size in bytes, and the transport's own value. */
export interface Inbound {
  readonly text: string | undefined
  readonly size: number
  readonly raw: unknown
}

/** What a session needs of its transport. */
export interface Link {
  send(text: string): void
  /** Closes the connection for `closing`; the transport then calls {@link Session.ended}. */
  close(closing: Closing): void
  /** Stops reading while an auth message is verified, so messages keep their order. */
  pause(): void
  resume(): void
  /** Hands a held message to the application. */
  deliver(message: Inbound): void
}

export interface SessionContext<H> {
  readonly verifier: Verifier
  readonly protocol: AuthProtocol
  readonly limits: Readonly<Required<QuarantineLimits>>
  readonly registry: Registry<H>
  /** Called once, when the connection becomes trusted, after the success reply. */
  readonly onTrusted: (session: Session<H>) => void
}

const NONE: SourceOutcome = Object.freeze({ kind: 'none' })

/**
 * The life of one persistent connection: quarantined until a valid auth message, then trusted
 * until its token expires, is revoked, or fails a re-authentication.
 */
export class Session<H> implements Tracked<H> {
  state: 'new' | 'quarantined' | 'trusted' | 'closed' = 'new'
  auth: AuthContext | undefined
  readonly #budget: QuarantineBudget
  #busy = false
  // The quarantine slot is held until the transport reports the socket gone, not merely closing.
  #slot = false
  #held: Inbound[] = []
  readonly #timer: ConnectionTimer

  constructor(
    readonly handle: H,
    private readonly link: Link,
    private readonly ctx: SessionContext<H>,
  ) {
    this.#timer = new ConnectionTimer(ctx.verifier.clock)
    this.#budget = new QuarantineBudget(ctx.limits)
  }

  /** Starts the quarantine, taking over a slot already reserved in the registry. */
  quarantine(): void {
    this.state = 'quarantined'
    this.#slot = true
    this.#timer.quarantine(this.ctx.limits.quarantineTimeout, () => this.close(CLOSINGS.quarantineTimeout))
  }

  /** Trusts the connection at once (credentials at the upgrade). */
  trust(auth: AuthContext): void {
    this.#promote(auth)
  }

  /** Takes one message; true when it was consumed here, false when it belongs to the application. */
  receive(message: Inbound): boolean {
    if (this.state === 'closed') return true
    if (this.#busy) {
      this.#held.push(message)
      if (this.state !== 'trusted' && this.#budget.tooManyHeld(this.#held.length)) {
        this.close(CLOSINGS.tooManyMessages)
      }
      return true
    }
    return this.#process(message)
  }

  /** A ping or pong frame: in quarantine it counts as an ignored message, since each one costs a reply. */
  control(): void {
    if (this.state === 'quarantined' && this.#budget.ignoredMessage()) {
      this.close(CLOSINGS.tooManyMessages)
    }
  }

  /** Closes the connection (once) and forgets it. */
  close(closing: Closing): void {
    if (this.state === 'closed') return
    this.#end()
    this.link.close(closing)
  }

  /** The transport reports that the connection is gone. */
  ended(): void {
    if (this.state !== 'closed') this.#end()
    this.#freeSlot()
  }

  #freeSlot(): void {
    if (!this.#slot) return
    this.#slot = false
    this.ctx.registry.release()
  }

  #end(): void {
    if (this.state === 'trusted') this.ctx.registry.forget(this)
    this.state = 'closed'
    this.#held = []
    this.#timer.clear()
  }

  #process(message: Inbound): boolean {
    const { limits } = this.ctx
    if (this.state === 'trusted') {
      // Auth messages are small: larger or binary messages go straight to the application.
      if (message.text === undefined || message.size > limits.maxMessageSize) return false
      const outcome = this.#parse(message.text)
      if (outcome.kind === 'none') return false
      this.#verify(outcome)
      return true
    }
    if (message.size > limits.maxMessageSize) {
      this.close(CLOSINGS.messageTooBig)
      return true
    }
    const outcome = message.text === undefined ? NONE : this.#parse(message.text)
    if (outcome.kind === 'none') {
      if (this.#budget.ignoredMessage()) this.close(CLOSINGS.tooManyMessages)
      return true
    }
    this.#verify(outcome)
    return true
  }

  #parse(text: string): SourceOutcome {
    try {
      return this.ctx.protocol.parse(text)
    } catch {
      return { kind: 'malformed', reason: 'The auth message could not be read' }
    }
  }

  #verify(outcome: Exclude<SourceOutcome, { kind: 'none' }>): void {
    this.#busy = true
    this.link.pause()
    // A verifier that throws instead of rejecting must not leave the connection paused.
    new Promise<AuthContext>((resolve) => {
      if (outcome.kind === 'malformed') throw new AuthError('invalid_request', outcome.reason)
      resolve(this.ctx.verifier.verify(outcome.token, 'authMessage'))
    }).then(
      (auth) => this.#settled(() => this.#accepted(auth)),
      (err: unknown) =>
        this.#settled(() => this.#refused(isAuthError(err) ? err : new AuthError('invalid_token', undefined, { cause: err }))),
    )
  }

  // Held messages are replayed in the same tick as the verdict, right behind the app's 'connection'.
  #settled(verdict: () => void): void {
    try {
      verdict()
    } finally {
      this.#drain()
    }
  }

  #accepted(auth: AuthContext): void {
    if (this.state === 'closed') return
    if (this.state === 'quarantined') return this.#promote(auth)
    const current = this.auth!
    if (auth.subject !== current.subject || auth.tenant !== current.tenant) {
      const err = new AuthError('insufficient_permission', 'Re-authentication must keep the same subject and tenant')
      this.link.send(this.ctx.protocol.failure(err))
      return this.close(err)
    }
    this.auth = auth
    this.ctx.registry.trust(this, current)
    this.#armExpiry()
    this.link.send(this.ctx.protocol.success(auth))
  }

  #refused(err: AuthError): void {
    if (this.state === 'closed') return
    this.link.send(this.ctx.protocol.failure(err))
    if (this.state === 'trusted') return this.close(err)
    if (this.#budget.failedAttempt()) this.close(CLOSINGS.tooManyAttempts)
  }

  #promote(auth: AuthContext): void {
    this.#freeSlot()
    this.state = 'trusted'
    this.auth = auth
    this.ctx.registry.trust(this, undefined)
    this.#armExpiry()
    if (this.#closed()) return
    this.link.send(this.ctx.protocol.success(auth))
    this.ctx.onTrusted(this)
  }

  #armExpiry(): void {
    this.#timer.expireAt(this.auth!, () => this.close(new AuthError('token_expired')))
  }

  // A method, so that the compiler does not narrow `state` across calls that may close.
  #closed(): boolean {
    return this.state === 'closed'
  }

  /** Replays messages held during a verification, in order, then reads on. */
  #drain(): void {
    this.#busy = false
    while (this.state !== 'closed' && !this.#busy && this.#held.length > 0) {
      const message = this.#held.shift()!
      if (!this.#process(message) && this.state === 'trusted') this.link.deliver(message)
    }
    if (this.state !== 'closed' && !this.#busy) this.link.resume()
  }
}
