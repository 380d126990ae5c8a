import { assertOneOf, assertPlainObject, createAuthenticator, isPreflight } from '@hivegate/core'
import type { AuthenticatorOptions } from '@hivegate/core'
import type { RequestHandler } from 'express'
import './augment.js'
import { bindGate, refuse, type ErrorMode, type Gate } from './gate.js'
import { toRequestView } from './request-view.js'

/** Options of {@link hivegate}: the core authenticator's, plus how Express is answered. */
export interface HivegateOptions extends AuthenticatorOptions {
  /**
   * `respond` (default): refuse with status, `WWW-Authenticate` and a JSON body.
   * `next`: hand the AuthError to `next(err)` for the app's error handler (it carries `status`
   * and `headers`, so Express's default handler renders it too).
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
 * Express middleware that authenticates every request it sees and sets `req.auth`.
 * The authenticator (keys, resolver, cache) is built once, here.
 *
 * @example
 * ```ts
 * app.use(hivegate({ issuer: 'platform.example', keys: { secrets: { 'kid-1': secret } } }))
 * app.get('/me', (req, res) => res.json({ user: req.auth?.subject }))
 * ```
 */
export function hivegate(options: HivegateOptions = {}): RequestHandler {
  assertPlainObject('options', options)
  const { errorMode = DEFAULTS.errorMode, preflight = DEFAULTS.preflight, ...authenticatorOptions } = options
  assertOneOf('errorMode', errorMode, ['respond', 'next'] as const)
  assertOneOf('preflight', preflight, ['authenticate', 'pass'] as const)
  const authenticator = createAuthenticator(authenticatorOptions)
  const gate: Gate = Object.freeze({ errorMode, realm: authenticator.realm })
  const passPreflight = preflight === 'pass'

  return function hivegateMiddleware(req, res, next) {
    const view = toRequestView(req)
    if (passPreflight && isPreflight(view)) return next()
    bindGate(req, gate)
    authenticator.authenticate(view).then(
      (auth) => {
        req.auth = auth
        next()
      },
      (err: unknown) => refuse(gate, err, res, next),
    )
  }
}
