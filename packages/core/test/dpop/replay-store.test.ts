import { expect } from 'chai'
import { createManualClock, createMemoryReplayStore } from '@hivegate/core'

describe('createMemoryReplayStore', () => {
  it('tells a first use from a replay until the entry expires', () => {
    const clock = createManualClock(0)
    const store = createMemoryReplayStore({ clock })
    expect(store.add('a', 1000)).to.equal(true)
    expect(store.add('a', 1000)).to.equal(false)
    clock.advance(999)
    expect(store.add('a', 1000)).to.equal(false)
    clock.advance(1)
    expect(store.add('a', 1000)).to.equal(true)
  })

  it('is bounded by maxEntries: when full of live entries it refuses rather than forgets', () => {
    const clock = createManualClock(0)
    const store = createMemoryReplayStore({ maxEntries: 3, clock })
    store.add('a', 5000)
    store.add('b', 1000)
    store.add('c', 5000)
    expect(() => store.add('d', 1000)).to.throw(/full/)
    expect(store.size).to.equal(3)
    expect(store.add('a', 5000)).to.equal(false)
    clock.advance(1000)
    // 'b' expired behind a live 'a': a full store sweeps it.
    expect(store.add('d', 1000)).to.equal(true)
    expect(store.size).to.equal(3)
  })

  it('validates maxEntries', () => {
    expect(() => createMemoryReplayStore({ maxEntries: 0 })).to.throw(RangeError, /"maxEntries"/)
  })
})
