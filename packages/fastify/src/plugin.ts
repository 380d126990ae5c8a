import { createAdapterGate } from '@hivegate/core'
import type { AdapterGate, AdapterGateOptions, AuthContext } from '@hivegate/core'
import type { FastifyPluginCallback, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import './augment.js'
import { answer, type ErrorMode } from './answer.js'
import { toRequestView } from './request-view.js'

/** Options of the {@link hivegate} plugin: the core authenticator's, plus how Fastify is answered. */
export interface HivegateOptions extends AdapterGateOptions<'throw'> {
  /**
   * `respond` (default): refuse through `reply` with status, `WWW-Authenticate` and a JSON body.
   * `throw`: pass the AuthError to Fastify's error handling (`onError` hooks, `setErrorHandler`);
   * it carries `statusCode` and `headers`, so Fastify's default handler sets both.
   */
  errorMode?: ErrorMode
}

function admit(request: FastifyRequest, auth: AuthContext | undefined, done: HookHandlerDoneFunction): void {
  request.auth = auth
  done()
}

const plugin: FastifyPluginCallback<HivegateOptions> = (fastify, options, done) => {
  let gate: AdapterGate
  try {
    gate = createAdapterGate(options, 'throw')
  } catch (err) {
    // A wrong option fails the registration: `app.ready()` (or `listen`) rejects with it.
    return done(err as Error)
  }
  // A second registration (e.g. in a child scope) shares the decorator the first declared.
  if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', undefined)
  fastify.addHook('onRequest', function hivegateOnRequest(request, reply, next) {
    if (request.routeOptions.config.hivegate === false) return next()
    const view = toRequestView(request)
    if (gate.skips(view)) return next()
    const result = gate.authenticate(request, view)
    // A cached or locally verified token needs no Promise: go on in the same tick.
    if (!(result instanceof Promise)) return admit(request, result, next)
    result.then(
      (auth) => admit(request, auth, next),
      (err: unknown) => answer(gate.refusal(err), reply, next),
    )
  })
  done()
}

/**
 * Fastify plugin that authenticates every request in the scope it is registered in (with
 * fastify-plugin: the registering scope itself) in an `onRequest` hook and sets `request.auth`.
 * The authenticator (keys, resolver, cache) is built once, at registration; a route with
 * `config: { hivegate: false }` is public.
 *
 * @example
 * ```ts
 * await app.register(hivegate, { issuer: 'platform.example', keys: { secrets: { 'kid-1': secret } } })
 * app.get('/me', (request) => ({ user: request.auth?.subject }))
 * ```
 */
export const hivegate = fp(plugin, { fastify: '5.x', name: '@hivegate/fastify' })
