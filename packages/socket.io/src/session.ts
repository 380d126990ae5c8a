import { AuthError, isAuthError, isCompactJws } from '@hivegate/core'
import { ConnectionTimer, QuarantineBudget } from '@hivegate/core/internal'
import type { AuthContext, Verifier } from '@hivegate/core'
import type { Socket } from 'socket.io'
import { CLOSINGS } from './closings.js'
import type { EventGuard } from './guards.js'
import type { QuarantineLimits } from './options.js'
import type { Registry, Tracked } from './registry.js'
import { AUTH_EVENT, ERROR_EVENT, failureOf, successOf, type AuthFailure, type AuthSuccess, type Failure } from './wire.js'

/** socket.io's per-event middleware callback: `next()` passes the event on, `next(err)` emits 'error' on the socket. */
export type Next = (err?: Error) => void

export interface SessionContext {
  readonly verifier: Verifier
  readonly limits: Readonly<Required<QuarantineLimits>>
  readonly registry: Registry
  readonly events: ReadonlyMap<string, EventGuard>
  readonly denyUnlisted: boolean
  readonly onTrusted: ((socket: Socket, auth: AuthContext) => void) | undefined
  /** Called once when the session ends, whatever ended it. */
  readonly onEnd: (session: SocketSession) => void
}

type Reply = (result: AuthSuccess | AuthFailure) => void


function ackOf(args: readonly unknown[]): ((...a: unknown[]) => void) | undefined {
  const last = args[args.length - 1]
  return typeof last === 'function' ? (last as (...a: unknown[]) => void) : undefined
}

/**
 * The life of one socket: admitted at the handshake (with its AuthContext, or into quarantine),
 * trusted until its token expires, is revoked or fails a re-authentication; its events pass
 * through {@link SocketSession.packet} before any application middleware or listener.
 */
export class SocketSession implements Tracked {
  state: 'new' | 'quarantined' | 'trusted' | 'closed' = 'new'
  auth: AuthContext | undefined
  readonly #budget: QuarantineBudget
  #busy = false
  #slot = false
  #held: Array<{ packet: unknown[]; next: Next }> = []
  readonly #timer: ConnectionTimer
  // Why a socket closed before socket.io connected it: told to the client once it is.
  #closing: Failure = CLOSINGS.goingAway
  // socket.io has connected the socket: a close from now on disconnects it at once.
  #connected = false

  constructor(
    readonly socket: Socket,
    private readonly ctx: SessionContext,
    handshakeAuth: AuthContext | undefined,
  ) {
    this.#timer = new ConnectionTimer(ctx.verifier.clock)
    this.#budget = new QuarantineBudget(ctx.limits)
    this.auth = handshakeAuth
    // The slot of a token-less socket was reserved by the middleware; it is held until the socket is gone.
    this.#slot = handshakeAuth === undefined
    if (handshakeAuth !== undefined) socket.data.auth = handshakeAuth
  }

  /** The registry's key: the socket. */
  get handle(): Socket {
    return this.socket
  }

  /** socket.io connected the socket (namespace 'connect', before the application's 'connection'). */
  connected(): void {
    this.#connected = true
    if (this.state === 'closed') return void this.#disconnect(this.#closing)
    const auth = this.auth
    if (auth === undefined) {
      this.state = 'quarantined'
      this.#timer.quarantine(this.ctx.limits.quarantineTimeout, () => this.close(CLOSINGS.quarantineTimeout))
      return
    }
    if (this.ctx.registry.isRevoked(auth)) return this.close(new AuthError('token_revoked'))
    this.#promote(auth)
  }

  /** One incoming event `[name, ...args, ack?]`: consumed here, or passed on with `next()`. */
  packet(packet: unknown[], next: Next): void {
    if (this.state === 'closed') return
    if (this.#busy && this.state !== 'trusted') {
      this.#held.push({ packet, next })
      if (this.#budget.tooManyHeld(this.#held.length)) this.close(CLOSINGS.tooManyMessages)
      return
    }
    if (packet[0] === AUTH_EVENT) return this.#authEvent(packet.slice(1))
    if (this.state !== 'trusted') return this.#ignore(packet)
    this.#guard(packet, next)
  }

  /** Disconnects the socket (once), telling the client why with `hivegate:error`, and forgets it. */
  close(closing: Failure): void {
    if (this.state === 'closed') return
    this.#end()
    this.#closing = closing
    if (this.#connected) this.#disconnect(closing)
  }

  /** The socket or its transport is gone. */
  ended(): void {
    if (this.state !== 'closed') this.#end()
    this.#freeSlot()
  }

  #disconnect(closing: Failure): void {
    this.socket.emit(ERROR_EVENT, failureOf(closing))
    this.socket.disconnect(true)
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
    this.ctx.onEnd(this)
  }

  #refuse(err: AuthError, packet: unknown[], next: Next): void {
    const ack = ackOf(packet)
    if (ack !== undefined) ack(failureOf(err))
    else this.socket.emit(ERROR_EVENT, failureOf(err, String(packet[0])))
    // socket.io emits next(err) as 'error' on the socket, which throws when nobody listens.
    if (this.socket.listenerCount('error') > 0) next(err)
  }

  #ignore(packet: unknown[]): void {
    if (this.#budget.ignoredMessage()) return this.close(CLOSINGS.tooManyMessages)
    this.#refuse(new AuthError('credentials_required', 'Authenticate with the hivegate:auth event first'), packet, () => {})
  }

  #guard(packet: unknown[], next: Next): void {
    const event = String(packet[0])
    const guard = this.ctx.events.get(event)
    if (guard === undefined) {
      if (!this.ctx.denyUnlisted) return next()
      return this.#refuse(new AuthError('insufficient_permission', 'This event is not allowed'), packet, next)
    }
    const rest = packet.slice(1)
    const args = ackOf(rest) === undefined ? rest : rest.slice(0, -1)
    try {
      guard(this.auth, { socket: this.socket, event, args })
    } catch (err) {
      // A guard argument function that throws (a missing field) refuses the event rather than let it through.
      return this.#refuse(isAuthError(err) ? err : new AuthError('insufficient_permission'), packet, next)
    }
    next()
  }

  #authEvent(args: unknown[]): void {
    const ack = ackOf(args)
    const reply: Reply = (result) => (ack !== undefined ? ack(result) : this.socket.emit(AUTH_EVENT, result))
    if (this.#busy) return reply(failureOf(new AuthError('invalid_request', 'An authentication is already in progress')))
    const token = args[0]
    const max = this.ctx.limits.maxMessageSize
    if (typeof token === 'string' && (token.length > max || Buffer.byteLength(token) > max)) {
      reply(failureOf(CLOSINGS.messageTooBig))
      return this.close(CLOSINGS.messageTooBig)
    }
    if (typeof token !== 'string' || !isCompactJws(token)) {
      return this.#refused(new AuthError('invalid_request', 'The auth event must carry a compact JWS token as a string'), reply)
    }
    this.#busy = true
    // A verifier that throws instead of rejecting must not leave the session busy.
    new Promise<AuthContext>((resolve) => resolve(this.ctx.verifier.verify(token, 'authMessage'))).then(
      (auth) => this.#settled(() => this.#accepted(auth, reply)),
      (err: unknown) => this.#settled(() => this.#refused(isAuthError(err) ? err : new AuthError('invalid_token', undefined, { cause: err }), reply)),
    )
  }

  #settled(verdict: () => void): void {
    try {
      verdict()
    } finally {
      this.#drain()
    }
  }

  #accepted(auth: AuthContext, reply: Reply): void {
    if (this.state === 'closed') return
    if (this.state === 'quarantined') {
      this.#promote(auth)
      if (this.#closed()) return
      reply(successOf(auth))
      return
    }
    const current = this.auth!
    if (auth.subject !== current.subject || auth.tenant !== current.tenant) {
      const err = new AuthError('insufficient_permission', 'Re-authentication must keep the same subject and tenant')
      reply(failureOf(err))
      return this.close(err)
    }
    this.auth = auth
    this.socket.data.auth = auth
    this.ctx.registry.trust(this, current)
    this.#armExpiry()
    if (!this.#closed()) reply(successOf(auth))
  }

  #refused(err: AuthError, reply: Reply): void {
    if (this.state === 'closed') return
    reply(failureOf(err))
    if (this.state === 'trusted') return this.close(err)
    if (this.#budget.failedAttempt()) this.close(CLOSINGS.tooManyAttempts)
  }

  #promote(auth: AuthContext): void {
    this.#freeSlot()
    this.state = 'trusted'
    this.auth = auth
    this.socket.data.auth = auth
    this.ctx.registry.trust(this, undefined)
    this.#armExpiry()
    if (!this.#closed()) this.ctx.onTrusted?.(this.socket, auth)
  }

  #armExpiry(): void {
    this.#timer.expireAt(this.auth!, () => this.close(new AuthError('token_expired')))
  }

  // A method, so that the compiler does not narrow `state` across calls that may close.
  #closed(): boolean {
    return this.state === 'closed'
  }

  /** Replays events held during a verification in quarantine, in order. */
  #drain(): void {
    this.#busy = false
    while (!this.#closed() && !this.#busy && this.#held.length > 0) {
      const { packet, next } = this.#held.shift()!
      this.packet(packet, next)
    }
  }
}
