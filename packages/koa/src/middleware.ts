import { createAdapterGate } from '@hivegate/core'
import type { AdapterGateOptions, AuthContext } from '@hivegate/core'
import type { Context, Middleware, Next } from 'koa'
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
  const refuse = (ctx: Context, err: unknown): void => answer(gate.refusal(err), ctx)
  // Not an async function: a cached or locally verified token goes on to next() with no Promise
  // of its own and no extra ticks. Like an async function, it never throws, it rejects.
  return function hivegateMiddleware(ctx, next) {
    try {
      const view = toRequestView(ctx)
      if (gate.skips(view)) return next()
      const auth = gate.authenticate(ctx, view)
      if (auth instanceof Promise) return auth.then((verified) => admit(ctx, verified, next), (err: unknown) => refuse(ctx, err))
      return admit(ctx, auth, next)
    } catch (err) {
      return Promise.reject(err)
    }
  }
}

function admit(ctx: Context, auth: AuthContext | undefined, next: Next): Promise<unknown> {
  ctx.state.auth = auth
  return next()
}
