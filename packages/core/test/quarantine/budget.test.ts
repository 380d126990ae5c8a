import { expect } from 'chai'
import { QuarantineBudget, resolveQuarantineLimits } from '@hivegate/core/internal'

describe('QuarantineBudget', () => {
  it('maxAuthAttempts: crossed at the last allowed failure, not before', () => {
    const budget = new QuarantineBudget(resolveQuarantineLimits({ maxAuthAttempts: 3 }))
    expect([budget.failedAttempt(), budget.failedAttempt(), budget.failedAttempt()]).to.deep.equal([false, false, true])
  })

  it('maxAuthAttempts of 1: the first failure closes', () => {
    expect(new QuarantineBudget(resolveQuarantineLimits({ maxAuthAttempts: 1 })).failedAttempt()).to.equal(true)
  })

  it('maxIgnoredMessages: that many are withheld, the next one crosses it', () => {
    const budget = new QuarantineBudget(resolveQuarantineLimits({ maxIgnoredMessages: 2 }))
    expect([budget.ignoredMessage(), budget.ignoredMessage(), budget.ignoredMessage()]).to.deep.equal([false, false, true])
  })

  it('counts failures and ignored messages apart', () => {
    const budget = new QuarantineBudget(resolveQuarantineLimits({ maxAuthAttempts: 2, maxIgnoredMessages: 1 }))
    expect(budget.ignoredMessage()).to.equal(false)
    expect(budget.failedAttempt()).to.equal(false)
    expect(budget.ignoredMessage()).to.equal(true)
    expect(budget.failedAttempt()).to.equal(true)
  })

  it('messages held behind a verification are bounded by maxIgnoredMessages, without spending it', () => {
    const budget = new QuarantineBudget(resolveQuarantineLimits({ maxIgnoredMessages: 2 }))
    expect([budget.tooManyHeld(1), budget.tooManyHeld(2), budget.tooManyHeld(3)]).to.deep.equal([false, false, true])
    expect(budget.ignoredMessage()).to.equal(false)
  })

  it('uses the defaults: 3 attempts, 10 ignored messages', () => {
    const budget = new QuarantineBudget(resolveQuarantineLimits({}))
    expect(Array.from({ length: 3 }, () => budget.failedAttempt())).to.deep.equal([false, false, true])
    expect(Array.from({ length: 11 }, () => budget.ignoredMessage()).indexOf(true)).to.equal(10)
  })
})
