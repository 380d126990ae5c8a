import { expect } from 'chai'
import { createManualClock } from '@hivegate/core'
import { ConnectionTimer } from '@hivegate/core/internal'

const START = Date.parse('2030-01-01T00:00:00Z')

describe('ConnectionTimer', () => {
  it('quarantine: fires once at the timeout on the injected clock, not a millisecond before', () => {
    const clock = createManualClock(START)
    const timer = new ConnectionTimer(clock)
    let fired = 0
    timer.quarantine(10_000, () => fired++)
    clock.advance(9_999)
    expect(fired).to.equal(0)
    clock.advance(1)
    expect(fired).to.equal(1)
    clock.advance(60_000)
    expect(fired).to.equal(1)
    expect(clock.pending).to.equal(0)
  })

  it('expireAt replaces the quarantine timeout with the deadline (a promotion)', () => {
    const clock = createManualClock(START)
    const timer = new ConnectionTimer(clock)
    const events: string[] = []
    timer.quarantine(1_000, () => events.push('timeout'))
    timer.expireAt({ validUntil: START + 5_000 }, () => events.push('expired'))
    expect(clock.pending).to.equal(1)
    clock.advance(4_999)
    expect(events).to.deep.equal([])
    clock.advance(1)
    expect(events).to.deep.equal(['expired'])
  })

  it('expireAt calls back at once for a deadline already due, and arms nothing', () => {
    const clock = createManualClock(START)
    const timer = new ConnectionTimer(clock)
    let expired = 0
    timer.expireAt({ validUntil: START }, () => expired++)
    expect(expired).to.equal(1)
    expect(clock.pending).to.equal(0)
  })

  it('expireAt with no deadline only clears the timer', () => {
    const clock = createManualClock(START)
    const timer = new ConnectionTimer(clock)
    let fired = 0
    timer.quarantine(1_000, () => fired++)
    timer.expireAt({}, () => fired++)
    clock.advance(10 ** 9)
    expect(fired).to.equal(0)
    expect(clock.pending).to.equal(0)
  })

  it('a re-authentication extends the deadline: the old one no longer fires', () => {
    const clock = createManualClock(START)
    const timer = new ConnectionTimer(clock)
    const events: string[] = []
    timer.expireAt({ validUntil: START + 1_000 }, () => events.push('first'))
    clock.advance(500)
    timer.expireAt({ validUntil: START + 3_000 }, () => events.push('second'))
    clock.advance(1_000)
    expect(events).to.deep.equal([])
    clock.advance(1_500)
    expect(events).to.deep.equal(['second'])
  })

  it('prefers validUntil over expiresAt', () => {
    const clock = createManualClock(START)
    const timer = new ConnectionTimer(clock)
    let expired = 0
    timer.expireAt({ validUntil: START + 100, expiresAt: START + 10_000 }, () => expired++)
    clock.advance(100)
    expect(expired).to.equal(1)
  })

  it('re-arms a deadline beyond the longest Node timer until it is due', () => {
    const clock = createManualClock(START)
    const timer = new ConnectionTimer(clock)
    const max = 2 ** 31 - 1
    let expired = 0
    timer.expireAt({ validUntil: START + 2 * max + 10 }, () => expired++)
    clock.advance(2 * max)
    expect(expired).to.equal(0)
    expect(clock.pending).to.equal(1)
    clock.advance(10)
    expect(expired).to.equal(1)
    expect(clock.pending).to.equal(0)
  })

  it('clear() stops whatever is armed, and may be called when nothing is', () => {
    const clock = createManualClock(START)
    const timer = new ConnectionTimer(clock)
    timer.clear()
    let fired = 0
    timer.quarantine(1_000, () => fired++)
    timer.clear()
    timer.expireAt({ validUntil: START + 2_000 }, () => fired++)
    timer.clear()
    clock.advance(10_000)
    expect(fired).to.equal(0)
    expect(clock.pending).to.equal(0)
  })
})
