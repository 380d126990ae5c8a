import { assertDataProvider, assertPermission } from './guards.js'
import { optionTypeError } from './options.js'
import type { AuthContext } from './types.js'

/** An argument of a permission guard: a fixed string, or a function of the host's request. */
export type GuardArgument<R> = string | ((request: R) => string)

/**
 * A permission check bound to its arguments: throws an AuthError (`credentials_required` or
 * `insufficient_permission`) when `auth` does not pass, returns otherwise.
 */
export type Guard<R> = (auth: AuthContext | undefined, request: R) => void

type Resolve<R> = (request: R) => string

function argument<R>(name: string, value: GuardArgument<R>): Resolve<R> {
  if (typeof value === 'function') return value
  if (typeof value !== 'string' || value.length === 0) {
    throw optionTypeError(name, 'a non-empty string or a function of the request', value)
  }
  return () => value
}

/**
 * The check behind every adapter's `requirePermission`: arguments validated once, resolved per
 * request (a function may read route parameters), then {@link assertPermission}.
 *
 * @example
 * ```ts
 * const guard = permissionGuard<Request>((req) => req.params.realm, 'deliveryRides/*', 'R')
 * guard(req.auth, req) // throws an AuthError when the token does not grant it
 * ```
 */
export function permissionGuard<R>(realm: GuardArgument<R>, object: GuardArgument<R>, action: GuardArgument<R>): Guard<R> {
  const realmOf = argument('realm', realm)
  const objectOf = argument('object', object)
  if (typeof action === 'string' && !/^[CRUD*]{1,8}$/.test(action)) {
    throw optionTypeError('action', "letters among C, R, U, D and * (e.g. 'R' or 'CU')", action)
  }
  const actionOf = argument('action', action)
  return (auth, request) => assertPermission(auth, realmOf(request), objectOf(request), actionOf(request))
}

/**
 * The check behind every adapter's `requireDataProvider`: `dpv` must list `object` in `realm`.
 *
 * @example
 * ```ts
 * const guard = dataProviderGuard<Request>('london', (req) => req.params.id)
 * ```
 */
export function dataProviderGuard<R>(realm: GuardArgument<R>, object: GuardArgument<R>): Guard<R> {
  const realmOf = argument('realm', realm)
  const objectOf = argument('object', object)
  return (auth, request) => assertDataProvider(auth, realmOf(request), objectOf(request))
}
