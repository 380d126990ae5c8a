import { expect } from 'chai'
import { createManualClock } from '../src/clock.js'
import { createRevocationList, MAX_JTI_LENGTH } from '../src/revocation.js'

describe('createRevocationList', () => {
  it('revokes, answers, restores and counts', () => {
    const list = createRevocationList({ clock: createManualClock(0) })
    list.revoke('a')
    expect(list.has('a')).to.equal(true)
    expect(list.has('b')).to.equal(false)
    expect(list.size).to.equal(1)
    list.restore('a')
    expect(list.has('a')).to.equal(false)
    expect(list.size).to.equal(0)
  })

  it('drops an entry once its until has passed, on the injected clock', () => {
    const clock = createManualClock(1000)
    const list = createRevocationList({ clock })
    list.revoke('a', 2000)
    clock.advance(999)
    expect(list.has('a')).to.equal(true)
    clock.advance(1)
    expect(list.has('a')).to.equal(false)
    expect(list.size).to.equal(0)
  })

  it('ignores a revocation whose until has already passed, and extends a later one', () => {
    const clock = createManualClock(1000)
    const list = createRevocationList({ clock })
    list.revoke('old', 500)
    expect(list.has('old')).to.equal(false)
    list.revoke('a', 2000)
    list.revoke('a', 5000)
    list.revoke('a', 3000)
    clock.set(4000)
    expect(list.has('a')).to.equal(true)
  })

  it('refuses new entries when full rather than forget one, after dropping expired ones', () => {
    const clock = createManualClock(0)
    const list = createRevocationList({ clock, max: 2 })
    list.revoke('a', 100)
    list.revoke('b')
    expect(() => list.revoke('c')).to.throw(RangeError, /"max"/)
    clock.advance(100)
    list.revoke('c')
    expect(list.has('b') && list.has('c')).to.equal(true)
  })

  it('tells listeners about each new revocation, and lets them unsubscribe', () => {
    const list = createRevocationList()
    const seen: string[] = []
    const off = list.onRevoke((jti) => seen.push(jti))
    list.revoke('a')
    list.revoke('a')
    off()
    list.revoke('b')
    expect(seen).to.deep.equal(['a'])
  })

  it('calls every listener and keeps the revocation when one throws, then rethrows', () => {
    const list = createRevocationList()
    const seen: string[] = []
    list.onRevoke(() => {
      throw new Error('listener failed')
    })
    list.onRevoke((jti) => seen.push(jti))
    expect(() => list.revoke('a')).to.throw('listener failed')
    expect(seen).to.deep.equal(['a'])
    expect(list.has('a')).to.equal(true)
  })

  it('validates its arguments and options', () => {
    const list = createRevocationList()
    expect(() => list.revoke('')).to.throw(TypeError, /"jti"/)
    expect(() => list.revoke('x'.repeat(MAX_JTI_LENGTH + 1))).to.throw(TypeError, /"jti"/)
    expect(() => list.revoke(5 as never)).to.throw(TypeError, /"jti"/)
    expect(() => list.revoke('a', NaN)).to.throw(TypeError, /"until"/)
    expect(() => list.onRevoke('x' as never)).to.throw(TypeError, /"listener"/)
    expect(() => createRevocationList({ max: 0 })).to.throw(RangeError, /"max"/)
    expect(() => createRevocationList({ clock: {} as never })).to.throw(TypeError, /"clock"/)
  })
})
