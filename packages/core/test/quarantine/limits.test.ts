import { expect } from 'chai'
import { QUARANTINE_LIMIT_NAMES, QUARANTINE_LIMITS, resolveQuarantineLimits } from '@hivegate/core/internal'

describe('quarantine limits', () => {
  it('has one frozen set of defaults', () => {
    expect(QUARANTINE_LIMITS).to.deep.equal({
      quarantineTimeout: 10_000,
      maxAuthAttempts: 3,
      maxMessageSize: 16 * 1024,
      maxIgnoredMessages: 10,
      maxQuarantined: 10_000,
    })
    expect(Object.isFrozen(QUARANTINE_LIMITS)).to.equal(true)
    expect(QUARANTINE_LIMIT_NAMES).to.deep.equal(Object.keys(QUARANTINE_LIMITS))
  })

  it('defaults every limit not given, and returns a frozen copy', () => {
    const limits = resolveQuarantineLimits({})
    expect(limits).to.deep.equal(QUARANTINE_LIMITS)
    expect(limits).not.to.equal(QUARANTINE_LIMITS)
    expect(Object.isFrozen(limits)).to.equal(true)
  })

  for (const name of QUARANTINE_LIMIT_NAMES) {
    describe(name, () => {
      it('takes a positive integer, leaving the other limits at their defaults', () => {
        const limits = resolveQuarantineLimits({ [name]: 7 })
        expect(limits[name]).to.equal(7)
        for (const other of QUARANTINE_LIMIT_NAMES) if (other !== name) expect(limits[other]).to.equal(QUARANTINE_LIMITS[other])
      })

      it('refuses zero, fractions, negatives and infinities with a RangeError naming it', () => {
        for (const value of [0, 1.5, -1, Infinity, Number.NaN]) {
          expect(() => resolveQuarantineLimits({ [name]: value }), String(value)).to.throw(RangeError, new RegExp(`"${name}"`))
        }
      })

      it('refuses a value that is not a number with a TypeError naming it', () => {
        expect(() => resolveQuarantineLimits({ [name]: '5' as never })).to.throw(TypeError, new RegExp(`"${name}"`))
      })
    })
  }

  it("uses the caller's check when given one, so a package keeps its own error type", () => {
    const seen: Array<[string, unknown]> = []
    const check = (key: string, value: unknown): void => {
      seen.push([key, value])
      if (value === '9') throw new RangeError(`"${key}" must be a positive integer`)
    }
    expect(resolveQuarantineLimits({ maxAuthAttempts: 2 }, check).maxAuthAttempts).to.equal(2)
    expect(seen).to.deep.equal([['maxAuthAttempts', 2]])
    expect(() => resolveQuarantineLimits({ maxQuarantined: '9' as never }, check)).to.throw(RangeError, /"maxQuarantined"/)
  })
})
