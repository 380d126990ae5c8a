import { errorBody, isAuthError } from '@hivegate/core'
import type { Context } from 'koa'

/** How a refused request is answered: directly (`respond`) or thrown to Koa's error handling (`throw`). */
export type ErrorMode = 'respond' | 'throw'

/** What a guard needs to know of the `hivegate()` that ran before it on the same request. */
export interface Gate {
  readonly errorMode: ErrorMode
  /** Realm of the `WWW-Authenticate` challenge. */
  readonly realm: string | undefined
}

const NO_GATE: Gate = Object.freeze({ errorMode: 'respond', realm: undefined })
const gates = new WeakMap<Context, Gate>()

/** Records which `hivegate()` handled `ctx`, so later guards answer the same way. */
export function bindGate(ctx: Context, gate: Gate): void {
  gates.set(ctx, gate)
}

/** The gate bound to `ctx`; answering directly when `hivegate()` did not run. */
export function gateOf(ctx: Context): Gate {
  return gates.get(ctx) ?? NO_GATE
}

/** Answers an AuthError per the gate's mode; anything else is a bug and is rethrown to Koa. */
export function refuse(gate: Gate, err: unknown, ctx: Context): void {
  if (!isAuthError(err)) throw err
  if (err.realm === undefined) err.realm = gate.realm
  // Koa's ctx.onerror renders it from `status`, `expose` and `headers`.
  if (gate.errorMode === 'throw') throw err
  ctx.status = err.status
  ctx.set(err.headers)
  // As core's writeAuthError answers: a refusal is about this request only.
  ctx.set('Cache-Control', 'no-store')
  ctx.body = errorBody(err)
}
