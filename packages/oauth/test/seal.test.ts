import { expect } from 'chai'
import { randomBytes } from 'node:crypto'
import { ReplayGuard, createSealer, secretBytes } from '../src/seal.js'

describe('createSealer', () => {
  const sealer = createSealer(randomBytes(32))

  it('round-trips data until it expires', () => {
    // Long enough that random ciphertext cannot hold it by chance, as a 2-character value did in about 1 run of 60.
    const state = 'state-marker-0123456789'
    const sealed = sealer.seal('login', { state }, 2000)
    expect(sealed).to.match(/^[\w-]+$/)
    expect(sealed).to.not.include(state)
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).to.not.include(state)
    expect(sealer.unseal('login', sealed, 1999)).to.deep.include({ state })
    expect(sealer.unseal('login', sealed, 2000)).to.equal('expired')
  })

  it('refuses a tampered value, another purpose, another key and junk', () => {
    const sealed = sealer.seal('login', { state: 's1' }, 2000)
    const raw = Buffer.from(sealed, 'base64url')
    raw[raw.length - 1]! ^= 1
    expect(sealer.unseal('login', raw.toString('base64url'), 0)).to.equal('invalid')
    expect(sealer.unseal('other', sealed, 0)).to.equal('invalid')
    expect(createSealer(randomBytes(32)).unseal('login', sealed, 0)).to.equal('invalid')
    for (const junk of ['', 'abc', 'a.b', '%%%', 'A'.repeat(5000)]) expect(sealer.unseal('login', junk, 0)).to.equal('invalid')
  })
})

describe('secretBytes', () => {
  it('takes 32 bytes or more, and names the option otherwise', () => {
    expect(secretBytes('x'.repeat(32), 'stateSecret')).to.have.length(32)
    expect(() => secretBytes('short', 'stateSecret')).to.throw(RangeError, '"stateSecret" must be at least 32 bytes')
    expect(() => secretBytes(42 as never, 'stateSecret')).to.throw(TypeError, '"stateSecret"')
  })
})

describe('ReplayGuard', () => {
  it('lets an id through once while it is unexpired', () => {
    const guard = new ReplayGuard(10)
    expect(guard.use('a', 100, 0)).to.equal(true)
    expect(guard.use('a', 100, 50)).to.equal(false)
    expect(guard.use('a', 200, 150)).to.equal(true)
  })

  it('tells whether an id is used, without using it', () => {
    const guard = new ReplayGuard(10)
    expect(guard.has('a', 0)).to.equal(false)
    expect(guard.use('a', 100, 0)).to.equal(true)
    expect(guard.has('a', 50)).to.equal(true)
    expect(guard.has('a', 100)).to.equal(false)
  })

  it('stays within max entries', () => {
    const guard = new ReplayGuard(2)
    guard.use('a', 100, 0)
    guard.use('b', 100, 0)
    guard.use('c', 100, 0)
    expect(guard.use('c', 100, 0)).to.equal(false)
    expect(guard.use('a', 100, 0)).to.equal(true)
  })
})
