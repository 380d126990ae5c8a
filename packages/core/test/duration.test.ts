import { expect } from 'chai'
import { parseDuration } from '../src/duration.js'

describe('parseDuration', () => {
  it('reads seconds and s/m/h/d strings', () => {
    expect(parseDuration(90)).to.equal(90)
    expect(parseDuration(0)).to.equal(0)
    expect(parseDuration('10s')).to.equal(10)
    expect(parseDuration('15m')).to.equal(900)
    expect(parseDuration('1h')).to.equal(3600)
    expect(parseDuration('30d')).to.equal(2_592_000)
  })

  it('is strict, and names the option', () => {
    for (const bad of ['', 'h', '1', '1 h', ' 1h', '1h ', '-1h', '+1h', '1.5h', '1H', '1w', '1y', '1h30m', '0x10s', '1e3s', '１h', '9999999999999s']) {
      expect(() => parseDuration(bad, 'ttl'), JSON.stringify(bad)).to.throw(RangeError, /"ttl"/)
    }
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 60]) expect(() => parseDuration(bad, 'ttl'), String(bad)).to.throw(RangeError, /"ttl"/)
    for (const bad of [null, undefined, {}, [], true]) expect(() => parseDuration(bad as never, 'ttl')).to.throw(TypeError, /"ttl"/)
  })
})
