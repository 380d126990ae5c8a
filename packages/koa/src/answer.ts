import { errorBody, type Refusal } from '@hivegate/core'
import type { Context } from 'koa'

/** How a refused request is answered: directly (`respond`) or thrown to Koa's error handling (`throw`). */
export type ErrorMode = 'respond' | 'throw'

/**
 * Sets a refusal as the response, or throws the error on: Koa's `ctx.onerror` renders an
 * AuthError from its `status`, `expose` and `headers`, and anything else is a bug it reports.
 */
export function answer(refusal: Refusal, ctx: Context): void {
  if (refusal.kind === 'hand-off') throw refusal.error
  const err = refusal.error
  ctx.status = err.status
  // WWW-Authenticate and Cache-Control: no-store, the same headers core's writeAuthError sends.
  ctx.set(err.headers)
  ctx.body = errorBody(err)
}
