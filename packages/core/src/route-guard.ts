import { AuthError } from './errors.js'
import { assertDataProvider, assertPermission } from './guards.js'
import { optionTypeError } from './options.js'
import type { AuthContext } from './auth-context.js'
import type { Clock } from './clock.js'

/**
 * An argument of a permission guard: a fixed string, or a function of the host's request. The
 * function may return an array of path segments (an Express 5 wildcard parameter such as
 * `/objects/*id`), which is joined with '/'; undefined or '' refuses the request.
 */
export type GuardArgument<R> = string | ((request: R) => string | readonly string[] | undefined)

/**
 * A permission check bound to its arguments: throws an AuthError (`credentials_required` or
 * `insufficient_permission`) when `auth` does not pass, returns otherwise. `clock` is the clock of
 * the verifier that accepted `auth`, for guards that judge time (e.g. `auth_time`).
 */
export type Guard<R> = (auth: AuthContext | undefined, request: R, clock?: Clock) => void

type Resolve<R> = (request: R) => string | undefined

function asName(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined
  if (Array.isArray(value) && value.length > 0 && value.every((part) => typeof part === 'string')) return value.join('/')
  return undefined
}

function argument<R>(name: string, value: GuardArgument<R>): Resolve<R> {
  if (typeof value === 'function') return (request) => asName(value(request))
  if (typeof value !== 'string' || value.length === 0) {
    throw optionTypeError(name, 'a non-empty string or a function of the request', value)
  }
  return () => value
}

// A name the request does not supply must not match a '*' pattern: refuse before any matching.
function unresolved(auth: AuthContext | undefined): never {
  throw new AuthError(auth === undefined || auth === null ? 'credentials_required' : 'insufficient_permission')
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
  return (auth, request) => {
    const realmName = realmOf(request)
    const objectName = objectOf(request)
    const letters = actionOf(request)
    if (realmName === undefined || objectName === undefined || letters === undefined) unresolved(auth)
    assertPermission(auth, realmName, objectName, letters)
  }
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
  return (auth, request) => {
    const realmName = realmOf(request)
    const objectName = objectOf(request)
    if (realmName === undefined || objectName === undefined) unresolved(auth)
    assertDataProvider(auth, realmName, objectName)
  }
}
