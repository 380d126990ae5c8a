import { expect } from 'chai'
import {
  assertBoolean,
  assertExclusive,
  assertFiniteNumber,
  assertFunction,
  assertKnownKeys,
  assertNonNegativeInteger,
  assertOneOf,
  assertPlainObject,
  assertPositiveInteger,
  assertString,
  assertStringArray,
  withDefaults,
} from '../src/options.js'

describe('option validators', () => {
  it('assertPositiveInteger names the option', () => {
    assertPositiveInteger('maxTokenLength', 1)
    expect(() => assertPositiveInteger('maxTokenLength', '8')).to.throw(TypeError, '"maxTokenLength" must be a positive integer, got "8"')
    for (const bad of [0, -1, 1.5, NaN, Infinity, 2 ** 60]) {
      expect(() => assertPositiveInteger('maxTokenLength', bad), String(bad)).to.throw(RangeError, /^"maxTokenLength" must be a positive integer/)
    }
  })

  it('assertNonNegativeInteger accepts 0', () => {
    assertNonNegativeInteger('clockTolerance', 0)
    expect(() => assertNonNegativeInteger('clockTolerance', -1)).to.throw(RangeError, /"clockTolerance"/)
    expect(() => assertNonNegativeInteger('clockTolerance', null)).to.throw(TypeError, /"clockTolerance".*null/)
  })

  it('assertFiniteNumber checks a range', () => {
    assertFiniteNumber('ratio', 0.5, { min: 0, max: 1 })
    expect(() => assertFiniteNumber('ratio', 2, { min: 0, max: 1 })).to.throw(RangeError, /"ratio".*between 0 and 1/)
    expect(() => assertFiniteNumber('ratio', NaN)).to.throw(RangeError, /"ratio"/)
    expect(() => assertFiniteNumber('ratio', '1')).to.throw(TypeError, /"ratio"/)
  })

  it('assertString refuses empty strings unless told not to', () => {
    assertString('issuer', 'x')
    assertString('prefix', '', { nonEmpty: false })
    expect(() => assertString('issuer', '')).to.throw(RangeError, /"issuer"/)
    expect(() => assertString('issuer', ['x'])).to.throw(TypeError, /"issuer".*an array/)
  })

  it('never echoes a long string value (it may be a secret)', () => {
    const secret = 's'.repeat(64)
    expect(() => assertOneOf('mode', secret, ['a', 'b'])).to.throw(TypeError, /got a string$/)
  })

  it('assertBoolean, assertFunction, assertPlainObject', () => {
    assertBoolean('optional', false)
    assertFunction('isRevoked', () => false)
    assertPlainObject('secrets', {})
    expect(() => assertBoolean('optional', 'yes')).to.throw(TypeError, /"optional"/)
    expect(() => assertFunction('isRevoked', {})).to.throw(TypeError, /"isRevoked" must be a function, got an object/)
    expect(() => assertPlainObject('secrets', [])).to.throw(TypeError, /"secrets"/)
    expect(() => assertPlainObject('secrets', null)).to.throw(TypeError, /"secrets".*null/)
  })

  it('assertOneOf lists the allowed values', () => {
    assertOneOf('checkOrigin', 'always', ['always', 'unsafe-methods'])
    expect(() => assertOneOf('checkOrigin', 'never', ['always', 'unsafe-methods'])).to.throw(TypeError, '"checkOrigin" must be one of "always", "unsafe-methods", got "never"')
  })

  it('assertStringArray names the bad item', () => {
    assertStringArray('requiredClaims', ['tnd'])
    expect(() => assertStringArray('requiredClaims', ['tnd', 1])).to.throw(TypeError, /"requiredClaims\[1\]"/)
    expect(() => assertStringArray('requiredClaims', [], { nonEmpty: true })).to.throw(RangeError, /"requiredClaims"/)
  })

  it('assertExclusive and assertKnownKeys', () => {
    assertExclusive({ verifier: {}, keys: undefined }, ['verifier', 'keys'])
    expect(() => assertExclusive({ verifier: {}, keys: {} }, ['verifier', 'keys'])).to.throw(TypeError, '"verifier" and "keys" cannot be used together')
    expect(() => assertKnownKeys('cache', { maxx: 1 }, ['max'])).to.throw(TypeError, /"cache".*"maxx"/)
  })

  it('withDefaults keeps defaults for keys set to undefined', () => {
    const defaults = Object.freeze({ max: 10, ttl: 5 })
    expect(withDefaults(defaults, { max: undefined, ttl: 1 })).to.deep.equal({ max: 10, ttl: 1 })
    expect(withDefaults(defaults, undefined)).to.deep.equal({ max: 10, ttl: 5 })
  })
})
