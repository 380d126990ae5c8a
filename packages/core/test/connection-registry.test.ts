import { expect } from 'chai'
import { compilePermissions, createAuthContext, createConnectionRegistry, createRevocationList, type AuthContext, type TrackedConnection } from '@hivegate/core'

interface Reason {
  code: string
  message: string
}

function contextOf(claims: Record<string, unknown>): AuthContext {
  return createAuthContext('t', 'bearer', claims as never, compilePermissions(claims as never))
}

function entry(handle: string, claims: Record<string, unknown>, closed: string[]): TrackedConnection<string, Reason> {
  return { handle, auth: contextOf(claims), close: (closing) => void closed.push(`${handle}:${closing.code}`) }
}

describe('createConnectionRegistry', () => {
  it('bounds quarantine slots', () => {
    const registry = createConnectionRegistry<string, Reason>({ maxQuarantined: 2, revocations: createRevocationList() })
    expect([registry.reserve(), registry.reserve(), registry.reserve()]).to.deep.equal([true, true, false])
    registry.release()
    expect(registry.quarantined).to.equal(1)
    expect(() => createConnectionRegistry({ maxQuarantined: 0, revocations: createRevocationList() })).to.throw(RangeError, /"maxQuarantined"/)
  })

  it('lists and closes by subject, tenant and jti; a revocation closes the connections of that jti', () => {
    const revocations = createRevocationList()
    const registry = createConnectionRegistry<string, Reason>({ maxQuarantined: 10, revocations })
    const closed: string[] = []
    const a = entry('a', { sub: 'alice', tnd: 't1', jti: 'j1' }, closed)
    registry.trust(a, undefined)
    registry.trust(entry('b', { sub: 'bob', tnd: 't1', jti: 'j2' }, closed), undefined)
    registry.trust(entry('c', { sub: 'carol', tnd: 't2' }, closed), undefined)
    expect(registry.list({ tenant: 't1' })).to.deep.equal(['a', 'b'])
    expect(registry.authOf('c')?.subject).to.equal('carol')
    expect(registry.isRevoked(a.auth!)).to.equal(false)
    revocations.revoke('j1')
    expect(registry.isRevoked(a.auth!)).to.equal(true)
    expect(closed).to.deep.equal(['a:token_revoked'])
    expect(registry.closeWhere({ subject: 'carol' }, { code: 'closed_by_server', message: 'bye' })).to.equal(1)
    expect(closed).to.deep.equal(['a:token_revoked', 'c:closed_by_server'])
    expect(() => registry.closeWhere({}, { code: 'x', message: 'x' })).to.throw(TypeError, /"filter"/)
    registry.forget(a)
    expect(registry.all().map((e) => e.handle)).to.deep.equal(['b', 'c'])
    registry.dispose()
    revocations.revoke('j2')
    expect(closed).to.have.length(2)
  })
})
