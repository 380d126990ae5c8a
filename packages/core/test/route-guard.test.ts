import { expect } from 'chai'
import { createAuthContext, dataProviderGuard, isAuthError, permissionGuard, type AuthContext } from '@hivegate/core'
import { compilePermissions } from '../src/permissions.js'

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqb2huZG9lIn0.c2lnbmF0dXJl'
const claims = {
  sub: 'johndoe',
  per: { london: { 'deliveryRiders/*': 'R', 'deliveryRides/johndoe-123': 'CU' } },
  dpv: { london: ['deliveryRides/johndoe-123'] },
}
const auth: AuthContext = createAuthContext(TOKEN, 'bearer', claims, compilePermissions(claims))

interface FakeRequest {
  params: Record<string, string | undefined>
}
const req = (params: Record<string, string | undefined>): FakeRequest => ({ params })

function codeOf(fn: () => void): string {
  try {
    fn()
  } catch (err) {
    if (isAuthError(err)) return err.code
    throw err
  }
  return 'passed'
}

describe('permissionGuard', () => {
  it('resolves string and function arguments per request', () => {
    const guard = permissionGuard<FakeRequest>((r) => r.params.realm!, (r) => `deliveryRiders/${r.params.id}`, 'R')
    expect(codeOf(() => guard(auth, req({ realm: 'london', id: 'bob' })))).to.equal('passed')
    expect(codeOf(() => guard(auth, req({ realm: 'paris', id: 'bob' })))).to.equal('insufficient_permission')
  })

  it('accepts an action computed from the request', () => {
    const guard = permissionGuard<FakeRequest>('london', 'deliveryRides/johndoe-123', (r) => r.params.action!)
    expect(codeOf(() => guard(auth, req({ action: 'CU' })))).to.equal('passed')
    expect(codeOf(() => guard(auth, req({ action: 'D' })))).to.equal('insufficient_permission')
  })

  it('refuses, rather than throws, when a function returns no name, even against a * pattern', () => {
    const everything = { per: { '*': { '*': 'CRUD' } } }
    const admin = createAuthContext(TOKEN, 'bearer', everything, compilePermissions(everything))
    const guard = permissionGuard<FakeRequest>('london', (r) => r.params.missing, 'R')
    expect(codeOf(() => guard(admin, req({})))).to.equal('insufficient_permission')
    expect(codeOf(() => guard(admin, req({ missing: '' })))).to.equal('insufficient_permission')
    expect(codeOf(() => guard(undefined, req({})))).to.equal('credentials_required')
    expect(codeOf(() => guard(admin, req({ missing: 'x' })))).to.equal('passed')
  })

  it('joins an array of path segments (an Express 5 wildcard parameter) with /', () => {
    const guard = permissionGuard<{ segments: string[] }>('london', (r) => r.segments, 'U')
    expect(codeOf(() => guard(auth, { segments: ['deliveryRides', 'johndoe-123'] }))).to.equal('passed')
    expect(codeOf(() => guard(auth, { segments: ['deliveryRides', 'other'] }))).to.equal('insufficient_permission')
    expect(codeOf(() => guard(auth, { segments: [] }))).to.equal('insufficient_permission')
  })

  it('answers credentials_required without an auth context', () => {
    const guard = permissionGuard<FakeRequest>('london', 'deliveryRiders/bob', 'R')
    expect(codeOf(() => guard(undefined, req({})))).to.equal('credentials_required')
  })

  it('validates its arguments once, naming the wrong one', () => {
    expect(() => permissionGuard(42 as never, 'x', 'R')).to.throw(TypeError, /"realm"/)
    expect(() => permissionGuard('london', '', 'R')).to.throw(TypeError, /"object"/)
    expect(() => permissionGuard('london', 'x', 'read')).to.throw(TypeError, /"action"/)
    expect(() => permissionGuard('london', 'x', '')).to.throw(TypeError, /"action"/)
    expect(() => permissionGuard('london', 'x', 'CRUD')).not.to.throw()
  })
})

describe('dataProviderGuard', () => {
  it('passes when dpv lists the object, refuses otherwise', () => {
    const guard = dataProviderGuard<FakeRequest>('london', (r) => r.params.id!)
    expect(codeOf(() => guard(auth, req({ id: 'deliveryRides/johndoe-123' })))).to.equal('passed')
    expect(codeOf(() => guard(auth, req({ id: 'deliveryRides/other' })))).to.equal('insufficient_permission')
    expect(codeOf(() => guard(undefined, req({ id: 'deliveryRides/johndoe-123' })))).to.equal('credentials_required')
  })

  it('validates its arguments once', () => {
    expect(() => dataProviderGuard('london', null as never)).to.throw(TypeError, /"object"/)
  })
})
