import { createAdapterGate } from '@hivegate/core'
import type { AdapterGateOptions } from '@hivegate/core'
import type { Middleware } from 'koa'
import './augment.js'
import { answer, type ErrorMode } from './answer.js'
import { toRequestView } from './request-view.js'

/** Options of {@link hivegate}: the core authenticator's, plus how Koa is answered. */
export interface HivegateOptions extends AdapterGateOptions<'throw'> {
  /**
   * `respond` (default): refuse with status, `WWW-Authenticate` and a JSON body.
   * `throw`: throw the AuthError for the app's error middleware (it carries `status`, `expose`
   * and `headers`, so Koa's default handler renders it too).
   */
  errorMode?: ErrorMode
}

/**
 * Koa middleware that authenticates every request it sees and sets `ctx.state.auth`.
 * The authenticator (keys, resolver, cache) is built once, here.
 *
 * @example
 * ```ts
 * app.use(hivegate({ issuer: 'platform.example', keys: { secrets: { 'kid-1': secret } } }))
 * app.use((ctx) => { ctx.body = { user: ctx.state.auth?.subject } })
 * ```
 */
export function hivegate(options: HivegateOptions = {}): Middleware {
  const gate = createAdapterGate(options, 'throw')
  return async function hivegateMiddleware(ctx, next) {
    const view = toRequestView(ctx)
    if (gate.skips(view)) return next()
    let auth = gate.authenticate(ctx, view)
    // A cached or locally verified token needs no Promise: no await, no extra tick.
    if (auth instanceof Promise) {
      try {
        auth = await auth
      } catch (err) {
        return answer(gate.refusal(err), ctx)
      }
    }
    ctx.state.auth = auth
    return next()
  }
}
