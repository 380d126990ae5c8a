import { systemClock } from '../clock.js'
import type { Guard } from '../route-guard.js'
import { assertAuthentication, compileRequirement, type AuthenticationRequirement } from './requirement.js'

/**
 * The check behind every adapter's `requireAuthentication` (RFC 9470 step-up): the requirement is
 * validated once, then each request's token must carry an acceptable `acr` and/or a recent enough
 * `auth_time`, measured on the clock of the verifier that accepted it.
 *
 * @example
 * ```ts
 * const guard = authenticationGuard<Request>({ acrValues: ['urn:example:mfa'], maxAge: '10m' })
 * guard(req.auth, req, verifier.clock) // throws insufficient_user_authentication when it falls short
 * ```
 */
export function authenticationGuard<R>(options: AuthenticationRequirement): Guard<R> {
  const requirement = compileRequirement(options)
  return (auth, _request, clock = systemClock) => assertAuthentication(auth, requirement, clock.now())
}
