import { AuthError, assertAuthentication, assertDataProvider, assertPermission, type AuthContext, type Clock } from '@hivegate/core'
import { fillParams, type RouteMatch } from './routes.js'

/**
 * Enforces the matched rule's `permission` and `dataProvider` on `auth` (rejects with
 * `insufficient_permission`) and its `authentication` step-up requirement at `clock`'s time (the
 * verifier's; rejects with `insufficient_user_authentication`); a request without an AuthContext
 * fails any rule that needs one.
 */
export function enforceRule(match: RouteMatch, auth: AuthContext | undefined, clock: Clock): void {
  const rule = match.rule
  if (rule === undefined || rule.public === true) return
  if (rule.permission === undefined && rule.dataProvider === undefined && match.authentication === undefined) return
  if (auth === undefined) throw new AuthError('credentials_required')
  if (rule.permission !== undefined) {
    const [realm, object, action] = rule.permission
    assertPermission(auth, fillParams(realm, match.params), fillParams(object, match.params), action)
  }
  if (rule.dataProvider !== undefined) {
    const [realm, object] = rule.dataProvider
    assertDataProvider(auth, fillParams(realm, match.params), fillParams(object, match.params))
  }
  // After the grants: a login cannot help a token that lacks the permission (403 says so).
  if (match.authentication !== undefined) assertAuthentication(auth, match.authentication, clock.now())
}
