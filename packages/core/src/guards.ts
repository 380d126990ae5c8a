import { AuthError } from './errors.js'
import type { AuthContext } from './auth-context.js'

/**
 * Asserts that `auth` may perform every letter of `action` on `object` in `realm`. A route the
 * authentication middleware did not run on has no `auth`: that is `credentials_required` (401),
 * never a crash. Used by every adapter's `requirePermission`.
 *
 * @example
 * ```ts
 * assertPermission(req.auth, 'london', `deliveryRides/${id}`, 'U')
 * ```
 */
export function assertPermission(auth: AuthContext | undefined, realm: string, object: string, action: string): asserts auth is AuthContext {
  if (auth === undefined || auth === null) throw new AuthError('credentials_required')
  if (!auth.can(realm, object, action)) throw new AuthError('insufficient_permission')
}

/**
 * Asserts that `auth` provides data for `object` in `realm` (the token's `dpv`). Used by every
 * adapter's `requireDataProvider`.
 */
export function assertDataProvider(auth: AuthContext | undefined, realm: string, object: string): asserts auth is AuthContext {
  if (auth === undefined || auth === null) throw new AuthError('credentials_required')
  if (!auth.providesData(realm, object)) {
    throw new AuthError('insufficient_permission', 'The token does not provide data for this object')
  }
}
