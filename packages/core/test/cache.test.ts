import { expect } from 'chai'
import { KEY_SUFFIX_LENGTH, TokenCache } from '../src/cache.js'

describe('TokenCache', () => {
  it('returns a value until its end, then drops it', () => {
    const cache = new TokenCache<string>(10)
    cache.set('a', 'A', 1000)
    expect(cache.get('a', 999)).to.equal('A')
    expect(cache.get('a', 1000)).to.equal(undefined)
    expect(cache.size).to.equal(0)
  })

  it('evicts the least recently used entry when full', () => {
    const cache = new TokenCache<number>(4)
    for (let i = 0; i < 4; i++) cache.set(`k${i}`, i, Infinity)
    // k0 is used again after aging past half the capacity, so it moves to the young end.
    cache.get('k1', 0)
    cache.get('k2', 0)
    cache.get('k3', 0)
    expect(cache.get('k0', 0)).to.equal(0)
    cache.set('k4', 4, Infinity)
    expect(cache.size).to.equal(4)
    expect(cache.get('k0', 0)).to.equal(0)
    expect(cache.get('k1', 0)).to.equal(undefined)
  })

  it('keeps a token used on every request while many others pass through', () => {
    const cache = new TokenCache<number>(100)
    cache.set('hot', 1, Infinity)
    for (let i = 0; i < 10_000; i++) {
      cache.set(`cold-${i}`, i, Infinity)
      expect(cache.get('hot', 0), String(i)).to.equal(1)
    }
    expect(cache.size).to.equal(100)
  })

  it('replaces an entry set twice, and supports delete and clear', () => {
    const cache = new TokenCache<string>(2)
    cache.set('a', 'A', Infinity)
    cache.set('a', 'B', Infinity)
    expect(cache.size).to.equal(1)
    expect(cache.get('a', 0)).to.equal('B')
    expect(cache.delete('a')).to.equal(true)
    cache.set('b', 'B', Infinity)
    cache.clear()
    expect(cache.size).to.equal(0)
  })

  describe('keys that share the indexed suffix', () => {
    const suffix = 's'.repeat(KEY_SUFFIX_LENGTH)
    const good = `good.token.${suffix}`
    const forged = `forged.tok.${suffix}`

    it('never answers one key with the value of another', () => {
      const cache = new TokenCache<string>(4)
      cache.set(good, 'GOOD', 1000)
      expect(cache.get(forged, 0)).to.equal(undefined)
      expect(cache.get(`x${good}`, 0)).to.equal(undefined)
      expect(cache.get(good.slice(1), 0)).to.equal(undefined)
      expect(cache.get(suffix, 0)).to.equal(undefined)
      expect(cache.get(good, 0)).to.equal('GOOD')
    })

    it('leaves the held entry alone when another key misses on it, live or past its end', () => {
      const cache = new TokenCache<string>(4)
      cache.set(good, 'GOOD', 1000)
      expect(cache.get(forged, 2000)).to.equal(undefined)
      expect(cache.delete(forged)).to.equal(false)
      expect(cache.size).to.equal(1)
      expect(cache.get(good, 999)).to.equal('GOOD')
    })

    it('keeps its place in the LRU order whatever lookups of another key do', () => {
      const cache = new TokenCache<string>(2)
      cache.set(good, 'GOOD', Infinity)
      cache.set('other', 'OTHER', Infinity)
      for (let i = 0; i < 10; i++) cache.get(forged, 0)
      cache.set('third', 'THIRD', Infinity)
      expect(cache.get(good, 0)).to.equal(undefined)
      expect(cache.get('other', 0)).to.equal('OTHER')
    })

    it('replaces the held entry when another key is set, within the bound', () => {
      const cache = new TokenCache<string>(2)
      cache.set('other', 'OTHER', Infinity)
      cache.set(good, 'GOOD', Infinity)
      cache.set(forged, 'FORGED', Infinity)
      expect(cache.size).to.equal(2)
      expect(cache.get(good, 0)).to.equal(undefined)
      expect(cache.get(forged, 0)).to.equal('FORGED')
      expect(cache.get('other', 0)).to.equal('OTHER')
    })
  })

  it('refuses a size that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, NaN]) expect(() => new TokenCache(bad)).to.throw(RangeError, /"cache.max"/)
  })
})
