import { createAdapterGate } from '@hivegate/core'
import type { AdapterGateOptions, AuthContext } from '@hivegate/core'
import type { NextFunction, Request, RequestHandler } from 'express'
import './augment.js'
import { answer, type ErrorMode } from './answer.js'
import { toRequestView } from './request-view.js'

/** Options of {@link hivegate}: the core authenticator's, plus how Express is answered. */
export interface HivegateOptions extends AdapterGateOptions<'next'> {
  /**
   * `respond` (default): refuse with status, `WWW-Authenticate` and a JSON body.
   * `next`: hand the AuthError to `next(err)` for the app's error handler (it carries `status`
   * and `headers`, so Express's default handler renders it too).
   */
  errorMode?: ErrorMode
}

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
  const gate = createAdapterGate(options, 'next')
  return function hivegateMiddleware(req, res, next) {
    const view = toRequestView(req)
    if (gate.skips(view)) return next()
    const result = gate.authenticate(req, view)
    // A cached or locally verified token needs no Promise: go on in the same tick.
    if (!(result instanceof Promise)) return admit(req, result, next)
    result.then(
      (auth) => admit(req, auth, next),
      (err: unknown) => answer(gate.refusal(err), res, next),
    )
  }
}

function admit(req: Request, auth: AuthContext | undefined, next: NextFunction): void {
  req.auth = auth
  next()
}
