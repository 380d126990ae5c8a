import { assertOneOf, assertPlainObject, createAuthenticator, isPreflight } from '@hivegate/core'
import type { AuthenticatorOptions } from '@hivegate/core'
import type { Middleware } from 'koa'
import './augment.js'
import { bindGate, refuse, type ErrorMode, type Gate } from './gate.js'
import { toRequestView } from './request-view.js'

/** Options of {@link hivegate}: the core authenticator's, plus how Koa is answered. */
export interface HivegateOptions extends AuthenticatorOptions {
  /**
   * `respond` (default): refuse with status, `WWW-Authenticate` and a JSON body.
   * `throw`: throw the AuthError for the app's error middleware (it carries `status`, `expose`
   * and `headers`, so Koa's default handler renders it too).
   */
  errorMode?: ErrorMode
  /**
   * `authenticate` (default): a CORS preflight needs credentials like any request.
   * `pass`: an `OPTIONS` request with `Origin` and `Access-Control-Request-Method` goes on
   * untouched, since browsers never send credentials on a preflight.
   */
  preflight?: 'authenticate' | 'pass'
}

const DEFAULTS = Object.freeze({ errorMode: 'respond', preflight: 'authenticate' } as const)

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
  assertPlainObject('options', options)
  const { errorMode = DEFAULTS.errorMode, preflight = DEFAULTS.preflight, ...authenticatorOptions } = options
  assertOneOf('errorMode', errorMode, ['respond', 'throw'] as const)
  assertOneOf('preflight', preflight, ['authenticate', 'pass'] as const)
  const authenticator = createAuthenticator(authenticatorOptions)
  const gate: Gate = Object.freeze({ errorMode, realm: authenticator.realm })
  const passPreflight = preflight === 'pass'

  return async function hivegateMiddleware(ctx, next) {
    const view = toRequestView(ctx)
    if (passPreflight && isPreflight(view)) return next()
    bindGate(ctx, gate)
    let auth
    try {
      auth = await authenticator.authenticate(view)
    } catch (err) {
      return refuse(gate, err, ctx)
    }
    ctx.state.auth = auth
    return next()
  }
}
