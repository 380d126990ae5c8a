import { AuthError, isAuthError } from './errors.js'
import type { Claims } from './claims.js'

/** Thrown by `verifySync` when verification would have to wait (remote keys, async hooks). */
export class NotSynchronousError extends TypeError {
  override readonly name = 'NotSynchronousError'
  readonly code = 'ERR_HIVEGATE_NOT_SYNC'
}

/** True for a Promise or any thenable. */
export function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}

function ignore(): void {}

/** The error `verifySync` throws when `what` answered with `pending`; the pending answer is dropped quietly. */
export function notSynchronous(what: string, pending: Promise<unknown>): NotSynchronousError {
  pending.then(ignore, ignore)
  return new NotSynchronousError(`verifySync cannot be used: ${what} returned a Promise; use verify()`)
}

/** Anything that is not an AuthError is a fault in a hook or a key source: refuse, keep it as the cause for logs. */
export function toAuthError(err: unknown, code: 'keys_unavailable' | 'invalid_token' = 'invalid_token', description?: string): AuthError {
  return isAuthError(err) ? err : new AuthError(code, description, { cause: err })
}

const REVOCATION_FAILED = 'The revocation check failed'
const CLAIMS_REFUSED = 'The token was refused by a claims check'

function revokedVerdict(revoked: unknown): void {
  if (revoked) throw new AuthError('token_revoked')
}

function claimsVerdict(verdict: unknown): void {
  if (verdict === false) throw new AuthError('invalid_token', CLAIMS_REFUSED)
}

type Hook<R> = (claims: Readonly<Claims>) => R | Promise<R>

// Runs a hook: undefined when it passed synchronously, a Promise when it answers later; throws on refusal.
function ask<R>(hook: Hook<R>, claims: Claims, verdict: (value: R) => void, failure: (err: unknown) => AuthError): Promise<void> | undefined {
  let answer: R | Promise<R>
  try {
    answer = hook(claims)
  } catch (err) {
    throw failure(err)
  }
  if (!isPromise<R>(answer)) {
    verdict(answer)
    return undefined
  }
  return answer.then(verdict, (err: unknown) => {
    throw failure(err)
  })
}

const revocationFailure = (err: unknown) => toAuthError(err, 'keys_unavailable', REVOCATION_FAILED)
const claimsFailure = (err: unknown) => toAuthError(err, 'invalid_token', CLAIMS_REFUSED)

/** Asks `isRevoked`: truthy → `token_revoked`; a throw or rejection fails closed with `keys_unavailable`. */
export function askIsRevoked(hook: Hook<boolean>, claims: Claims): Promise<void> | undefined {
  return ask(hook, claims, revokedVerdict, revocationFailure)
}

/** Asks `checkClaims`: false → `invalid_token`; a thrown AuthError passes through, any other error is `invalid_token`. */
export function askCheckClaims(hook: Hook<void | boolean>, claims: Claims): Promise<void> | undefined {
  return ask(hook, claims, claimsVerdict, claimsFailure)
}
