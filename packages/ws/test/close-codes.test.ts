import { expect } from 'chai'
import { CLOSINGS, closeReason } from '@hivegate/ws'

describe('close-codes', () => {
  it('keeps every built-in reason within the 123 bytes of a close frame', () => {
    for (const closing of Object.values(CLOSINGS)) expect(Buffer.byteLength(closing.message)).to.be.at.most(123)
  })

  it('uses valid close codes: 1001, 1008, 1009 or the 4xxx application range', () => {
    for (const { closeCode } of Object.values(CLOSINGS)) {
      expect([1001, 1008, 1009].includes(closeCode) || (closeCode >= 4000 && closeCode <= 4999)).to.equal(true)
    }
  })

  it('cuts long reasons to 123 bytes on a character boundary', () => {
    expect(closeReason('short')).to.equal('short')
    expect(Buffer.byteLength(closeReason('é'.repeat(100)))).to.equal(122)
    expect(closeReason('€'.repeat(100))).to.equal('€'.repeat(41))
  })
})
