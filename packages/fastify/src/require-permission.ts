import { authenticationGuard, checkGuard, dataProviderGuard, permissionGuard } from '@hivegate/core'
import type { AuthenticationRequirement, Guard, GuardArgument } from '@hivegate/core'
import type { FastifyRequest, preHandlerHookHandler, RouteGenericInterface } from 'fastify'
import './augment.js'
import { answer } from './answer.js'

function toPreHandler<R extends FastifyRequest>(guard: Guard<R>): preHandlerHookHandler {
  return function hivegateGuard(request, reply, done) {
    // The guard's request type is the caller's (its route's params); at run time it is this request.
    const refusal = checkGuard(guard, request as R)
    if (refusal === undefined) done()
    else answer(refusal, reply, done)
  }
}

/**
 * A `preHandler` that lets a request through only if its token's `per` claim grants `action` on
 * `object` in `realm`. Each argument is a string or a function of the request. Answers 403
 * `insufficient_permission` when the grant is missing and 401 `credentials_required` when no one
 * is authenticated (including public routes), the way the plugin before it answers.
 *
 * @example
 * ```ts
 * app.get<{ Params: { realm: string; id: string } }>('/realms/:realm/objects/:id', {
 *   preHandler: requirePermission<{ Params: { realm: string; id: string } }>((r) => r.params.realm, (r) => r.params.id, 'R'),
 * }, handler)
 * ```
 */
export function requirePermission<Route extends RouteGenericInterface = RouteGenericInterface>(
  realm: GuardArgument<FastifyRequest<Route>>,
  object: GuardArgument<FastifyRequest<Route>>,
  action: GuardArgument<FastifyRequest<Route>>,
): preHandlerHookHandler {
  return toPreHandler(permissionGuard<FastifyRequest<Route>>(realm, object, action))
}

/**
 * A `preHandler` that lets a request through only if its token's `dpv` claim lists `object` in `realm`.
 *
 * @example
 * ```ts
 * app.put('/providers/london/:id', { preHandler: requireDataProvider('london', (r) => (r.params as { id: string }).id) }, handler)
 * ```
 */
export function requireDataProvider<Route extends RouteGenericInterface = RouteGenericInterface>(
  realm: GuardArgument<FastifyRequest<Route>>,
  object: GuardArgument<FastifyRequest<Route>>,
): preHandlerHookHandler {
  return toPreHandler(dataProviderGuard<FastifyRequest<Route>>(realm, object))
}

/**
 * A `preHandler` that lets a request through only if the authentication behind its token is
 * strong and recent enough (RFC 9470 step-up): `acr` among `acrValues` and/or `auth_time` at most
 * `maxAge` seconds ago on the verifier's clock. Otherwise 401 `insufficient_user_authentication`
 * with `acr_values` and/or `max_age` in `WWW-Authenticate`. Options are validated here, once.
 *
 * @example
 * ```ts
 * app.post('/payments', { preHandler: requireAuthentication({ acrValues: ['urn:example:mfa'], maxAge: '5m' }) }, handler)
 * ```
 */
export function requireAuthentication(options: AuthenticationRequirement): preHandlerHookHandler {
  return toPreHandler(authenticationGuard<FastifyRequest>(options))
}
