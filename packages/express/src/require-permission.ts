import { authenticationGuard, checkGuard, dataProviderGuard, permissionGuard } from '@hivegate/core'
import type { AuthenticationRequirement, Guard, GuardArgument } from '@hivegate/core'
import type { Request, RequestHandler } from 'express'
import './augment.js'
import { answer } from './answer.js'

function toMiddleware(guard: Guard<Request>): RequestHandler {
  return function hivegateGuard(req, res, next) {
    const refusal = checkGuard(guard, req)
    if (refusal === undefined) next()
    else answer(refusal, res, next)
  }
}

/**
 * Lets a request through only if its token's `per` claim grants `action` on `object` in `realm`.
 * Each argument is a string or a function of the request. Answers 403 `insufficient_permission`
 * when the grant is missing and 401 `credentials_required` when no one is authenticated
 * (including routes where `hivegate()` did not run), the way the `hivegate()` before it answers.
 *
 * @example
 * ```ts
 * app.get('/realms/:realm/objects/:id', requirePermission((req) => req.params.realm, (req) => req.params.id, 'R'), handler)
 * ```
 */
export function requirePermission(
  realm: GuardArgument<Request>,
  object: GuardArgument<Request>,
  action: GuardArgument<Request>,
): RequestHandler {
  return toMiddleware(permissionGuard<Request>(realm, object, action))
}

/**
 * Lets a request through only if its token's `dpv` claim lists `object` in `realm`.
 *
 * @example
 * ```ts
 * app.put('/providers/london/:id', requireDataProvider('london', (req) => req.params.id), handler)
 * ```
 */
export function requireDataProvider(realm: GuardArgument<Request>, object: GuardArgument<Request>): RequestHandler {
  return toMiddleware(dataProviderGuard<Request>(realm, object))
}

/**
 * Lets a request through only if the authentication behind its token is strong and recent enough
 * (RFC 9470 step-up): `acr` among `acrValues` and/or `auth_time` at most `maxAge` seconds ago on
 * the verifier's clock. Otherwise 401 `insufficient_user_authentication` with `acr_values` and/or
 * `max_age` in `WWW-Authenticate`, so the client can log the user in again as asked. Options are
 * validated here, once.
 *
 * @example
 * ```ts
 * app.post('/payments', requireAuthentication({ acrValues: ['urn:example:mfa'], maxAge: '5m' }), handler)
 * ```
 */
export function requireAuthentication(options: AuthenticationRequirement): RequestHandler {
  return toMiddleware(authenticationGuard<Request>(options))
}
