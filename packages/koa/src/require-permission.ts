import { authenticationGuard, checkGuard, dataProviderGuard, permissionGuard } from '@hivegate/core'
import type { AuthenticationRequirement, Guard, GuardArgument } from '@hivegate/core'
import type { Context, Middleware, Next, ParameterizedContext } from 'koa'
import './augment.js'
import { answer } from './answer.js'

function toMiddleware<C extends ParameterizedContext>(guard: Guard<C>): Middleware {
  return function hivegateGuard(ctx: Context, next: Next) {
    // The guard's context type is the caller's (e.g. a router context); at run time it is this ctx.
    const refusal = checkGuard(guard, ctx as unknown as C)
    if (refusal !== undefined) return answer(refusal, ctx)
    return next()
  }
}

/**
 * Lets a request through only if its token's `per` claim grants `action` on `object` in `realm`.
 * Each argument is a string or a function of the context. Answers 403 `insufficient_permission`
 * when the grant is missing and 401 `credentials_required` when no one is authenticated
 * (including routes where `hivegate()` did not run), the way the `hivegate()` before it answers.
 *
 * @example
 * ```ts
 * router.get('/realms/:realm/objects/:id', requirePermission((ctx) => ctx.params.realm, (ctx) => ctx.params.id, 'R'), handler)
 * ```
 */
export function requirePermission<C extends ParameterizedContext = ParameterizedContext>(
  realm: GuardArgument<C>,
  object: GuardArgument<C>,
  action: GuardArgument<C>,
): Middleware {
  return toMiddleware(permissionGuard<C>(realm, object, action))
}

/**
 * Lets a request through only if its token's `dpv` claim lists `object` in `realm`.
 *
 * @example
 * ```ts
 * router.put('/providers/london/:id', requireDataProvider('london', (ctx) => ctx.params.id), handler)
 * ```
 */
export function requireDataProvider<C extends ParameterizedContext = ParameterizedContext>(
  realm: GuardArgument<C>,
  object: GuardArgument<C>,
): Middleware {
  return toMiddleware(dataProviderGuard<C>(realm, object))
}

/**
 * Lets a request through only if the authentication behind its token is strong and recent enough
 * (RFC 9470 step-up): `acr` among `acrValues` and/or `auth_time` at most `maxAge` seconds ago on
 * the verifier's clock. Otherwise 401 `insufficient_user_authentication` with `acr_values` and/or
 * `max_age` in `WWW-Authenticate`. Options are validated here, once.
 *
 * @example
 * ```ts
 * router.post('/payments', requireAuthentication({ acrValues: ['urn:example:mfa'], maxAge: '5m' }), handler)
 * ```
 */
export function requireAuthentication(options: AuthenticationRequirement): Middleware {
  return toMiddleware(authenticationGuard<ParameterizedContext>(options))
}
