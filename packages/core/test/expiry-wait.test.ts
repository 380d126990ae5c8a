import { expect } from 'chai'
import { expiryWait } from '@hivegate/core'

describe('expiryWait', () => {
  it('is undefined without a context or a deadline', () => {
    expect(expiryWait(undefined, 0)).to.equal(undefined)
    expect(expiryWait({}, 0)).to.equal(undefined)
  })
  it('prefers validUntil over expiresAt, and is 0 once due', () => {
    expect(expiryWait({ validUntil: 1500, expiresAt: 9000 }, 1000)).to.equal(500)
    expect(expiryWait({ expiresAt: 1200 }, 1000)).to.equal(200)
    expect(expiryWait({ validUntil: 900 }, 1000)).to.equal(0)
  })
  it('caps a far deadline at the longest timer Node keeps, so the caller re-arms', () => {
    expect(expiryWait({ validUntil: 10 ** 15 }, 0)).to.equal(2 ** 31 - 1)
  })
})
