import { expect } from 'chai'
import { createAuthContext } from '../src/auth-context.js'
import { AuthError } from '../src/errors.js'
import { assertDataProvider, assertPermission } from '../src/guards.js'
import { compilePermissions } from '../src/permissions.js'

function thrown(fn: () => unknown): AuthError {
  try {
    fn()
  } catch (err) {
    expect(err).to.be.instanceOf(AuthError)
    return err as AuthError
  }
  throw new Error('expected an AuthError, but nothing was thrown')
}

describe('guards', () => {
  const claims = { per: { london: { 'deliveryRiders/*': 'R' } }, dpv: { london: ['sensors/*'] } }
  const auth = createAuthContext('a.b.c', 'bearer', claims, compilePermissions(claims))

  it('assertPermission passes when `per` grants the action', () => {
    assertPermission(auth, 'london', 'deliveryRiders/bob', 'R')
  })

  it('assertPermission refuses with insufficient_permission (403)', () => {
    const err = thrown(() => assertPermission(auth, 'london', 'deliveryRiders/bob', 'RU'))
    expect(err.code).to.equal('insufficient_permission')
    expect(err.status).to.equal(403)
    expect(thrown(() => assertPermission(auth, 'paris', 'deliveryRiders/bob', 'R')).code).to.equal('insufficient_permission')
  })

  it('assertDataProvider follows `dpv`', () => {
    assertDataProvider(auth, 'london', 'sensors/t1')
    expect(thrown(() => assertDataProvider(auth, 'london', 'rides/1')).code).to.equal('insufficient_permission')
  })

  it('answers credentials_required (401) without an AuthContext', () => {
    expect(thrown(() => assertPermission(undefined, 'london', 'x', 'R')).code).to.equal('credentials_required')
    expect(thrown(() => assertDataProvider(undefined, 'london', 'x')).code).to.equal('credentials_required')
    expect(thrown(() => assertPermission(null as never, 'london', 'x', 'R')).status).to.equal(401)
  })
})
