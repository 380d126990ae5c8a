import { expect } from 'chai'
import { AuthError } from '../src/errors.js'
import { compilePermissions, MAX_PATTERN_LENGTH, MAX_PERMISSION_PATTERNS } from '../src/permissions.js'
import { createVerifier } from '../src/verifier.js'
import { createManualClock } from '../src/clock.js'
import { secret } from '../../../test/helpers/keys.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/helpers/tokens.js'

function thrown(fn: () => unknown): AuthError {
  try {
    fn()
  } catch (err) {
    return err as AuthError
  }
  throw new Error('expected a throw, but nothing was thrown')
}

function malformed(claims: Record<string, unknown>): AuthError {
  const err = thrown(() => compilePermissions(claims))
  expect(err).to.be.instanceOf(AuthError)
  expect(err.code).to.equal('invalid_token')
  return err
}

describe('compilePermissions', () => {
  const hivekit = compilePermissions({
    per: { london: { 'deliveryRiders/*': 'R', 'deliveryRides/johndoe-123': 'CU' } },
    dpv: { london: ['deliveryRides/johndoe-123'] },
  })

  describe('can', () => {
    it('grants the letters of an exact object pattern', () => {
      expect(hivekit.can('london', 'deliveryRides/johndoe-123', 'U')).to.equal(true)
      expect(hivekit.can('london', 'deliveryRides/johndoe-123', 'C')).to.equal(true)
      expect(hivekit.can('london', 'deliveryRides/johndoe-123', 'CU')).to.equal(true)
      expect(hivekit.can('london', 'deliveryRides/johndoe-123', 'UC')).to.equal(true)
    })

    it('needs every letter of the action', () => {
      expect(hivekit.can('london', 'deliveryRides/johndoe-123', 'R')).to.equal(false)
      expect(hivekit.can('london', 'deliveryRides/johndoe-123', 'CUD')).to.equal(false)
      expect(hivekit.can('london', 'deliveryRiders/bob', 'RU')).to.equal(false)
    })

    it('matches `*` against any run of characters, "/" included', () => {
      expect(hivekit.can('london', 'deliveryRiders/bob', 'R')).to.equal(true)
      expect(hivekit.can('london', 'deliveryRiders/', 'R')).to.equal(true)
      expect(hivekit.can('london', 'deliveryRiders/a/b/c', 'R')).to.equal(true)
      expect(hivekit.can('london', 'deliveryRiders', 'R')).to.equal(false)
      expect(hivekit.can('london', 'xdeliveryRiders/bob', 'R')).to.equal(false)
    })

    it('refuses other realms and other objects', () => {
      expect(hivekit.can('paris', 'deliveryRiders/bob', 'R')).to.equal(false)
      expect(hivekit.can('London', 'deliveryRiders/bob', 'R')).to.equal(false)
      expect(hivekit.can('london', 'deliveryRides/johndoe-1234', 'U')).to.equal(false)
    })

    it('supports wildcards in realms, in the middle and several per pattern', () => {
      const p = compilePermissions({
        per: { 'eu-*': { 'a*b*c': 'R' }, '*': { 'public/*': 'R' }, 'x*y': { '*': 'D' } },
      })
      expect(p.can('eu-london', 'aXXbYYc', 'R')).to.equal(true)
      expect(p.can('eu-london', 'abc', 'R')).to.equal(true)
      expect(p.can('eu-london', 'acb', 'R')).to.equal(false)
      expect(p.can('eu-london', 'abcx', 'R')).to.equal(false)
      expect(p.can('anywhere', 'public/doc', 'R')).to.equal(true)
      expect(p.can('', 'public/doc', 'R')).to.equal(true)
      expect(p.can('xy', 'anything', 'D')).to.equal(true)
      expect(p.can('x', 'anything', 'D')).to.equal(false)
      expect(p.can('xay', 'anything', 'R')).to.equal(false)
    })

    it('adds up the letters of every matching pattern', () => {
      const p = compilePermissions({ per: { london: { 'rides/*': 'R', 'rides/1': 'U' }, '*': { 'rides/1': 'D' } } })
      expect(p.can('london', 'rides/1', 'RUD')).to.equal(true)
      expect(p.can('london', 'rides/2', 'RU')).to.equal(false)
    })

    it('takes `*` as an action to mean all four letters', () => {
      const p = compilePermissions({ per: { london: { 'rides/*': '*' } } })
      expect(p.can('london', 'rides/1', 'CRUD')).to.equal(true)
      expect(p.can('london', 'rides/1', '*')).to.equal(true)
      expect(hivekit.can('london', 'deliveryRides/johndoe-123', '*')).to.equal(false)
    })

    it('answers false to actions outside C, R, U, D', () => {
      const p = compilePermissions({ per: { london: { '*': '*' } } })
      for (const action of ['', 'r', 'X', 'R ', 'CRUDCRUDC', 'read']) expect(p.can('london', 'a', action), action).to.equal(false)
      expect(p.can('london', 'a', undefined as unknown as string)).to.equal(false)
      expect(p.can(42 as unknown as string, 'a', 'R')).to.equal(false)
    })

    it('is false for everything when the token has no `per`', () => {
      const p = compilePermissions({ sub: 'x' })
      expect(p.can('london', 'a', 'R')).to.equal(false)
      expect(p.providesData('london', 'a')).to.equal(false)
      expect(compilePermissions({ dpv: { london: ['a'] } }).can('london', 'a', 'R')).to.equal(false)
    })

    it('grants nothing for an empty letter string', () => {
      expect(compilePermissions({ per: { london: { a: '' } } }).can('london', 'a', 'R')).to.equal(false)
    })
  })

  describe('patterns are literal except `*`', () => {
    it('treats regex metacharacters literally', () => {
      const p = compilePermissions({ per: { 'r.+': { '(a|b)?[x]^$\\d.*': 'R' } } })
      expect(p.can('r.+', '(a|b)?[x]^$\\d.anything', 'R')).to.equal(true)
      expect(p.can('rrr', '(a|b)?[x]^$\\d.anything', 'R')).to.equal(false)
      expect(p.can('r.+', 'a[x]^$\\d.', 'R')).to.equal(false)
      expect(p.can('r.+', '(a|b)?[x]^$5.', 'R')).to.equal(false)
    })

    it('does not treat `?` or `**` specially', () => {
      const p = compilePermissions({ per: { london: { 'a?c': 'R', 'x**y': 'R' } } })
      expect(p.can('london', 'abc', 'R')).to.equal(false)
      expect(p.can('london', 'a?c', 'R')).to.equal(true)
      expect(p.can('london', 'x/y/z/y', 'R')).to.equal(true)
    })

    it('answers quickly for patterns that would make a backtracking regex explode', () => {
      const pattern = Array.from({ length: 60 }, () => 'a').join('*') + '*b'
      const p = compilePermissions({ per: { r: { [pattern]: 'R' } } })
      expect(p.can('r', 'a'.repeat(10_000), 'R')).to.equal(false)
      expect(p.can('r', 'a'.repeat(10_000) + 'b', 'R')).to.equal(true)
    })

    it('keeps `__proto__`, `constructor` and `hasOwnProperty` as plain names', () => {
      const per = JSON.parse('{"__proto__":{"constructor":"R"},"hasOwnProperty":{"toString":"U"}}')
      const p = compilePermissions({ per })
      expect(p.can('__proto__', 'constructor', 'R')).to.equal(true)
      expect(p.can('hasOwnProperty', 'toString', 'U')).to.equal(true)
      expect(p.can('constructor', 'constructor', 'R')).to.equal(false)
      expect(p.can('london', '__proto__', 'R')).to.equal(false)
      expect(({} as Record<string, unknown>).constructor).to.equal(Object)
    })
  })

  describe('providesData', () => {
    it('matches dpv patterns', () => {
      expect(hivekit.providesData('london', 'deliveryRides/johndoe-123')).to.equal(true)
      expect(hivekit.providesData('london', 'deliveryRides/other')).to.equal(false)
      expect(hivekit.providesData('paris', 'deliveryRides/johndoe-123')).to.equal(false)
      const p = compilePermissions({ dpv: { '*': ['sensors/*'], berlin: [] } })
      expect(p.providesData('anywhere', 'sensors/t1')).to.equal(true)
      expect(p.providesData('berlin', 'x')).to.equal(false)
    })

    it('is false for everything when the token has no `dpv`', () => {
      const p = compilePermissions({ per: { london: { '*': '*' } } })
      expect(p.providesData('london', 'a')).to.equal(false)
      expect(p.providesData(undefined as unknown as string, 'a')).to.equal(false)
    })
  })

  describe('validated at once, tables built on first use', () => {
    it('answers from the claims as they were when compiled, whatever happens to them later', () => {
      const claims = { per: { london: { 'rides/1': 'R' } as Record<string, string> }, dpv: { london: ['rides/1'] } }
      const p = compilePermissions(claims)
      claims.per.london['*'] = 'CRUD'
      claims.per.london['rides/1'] = 'X'
      claims.dpv.london.push('rides/*')
      expect(p.can('london', 'rides/1', 'R')).to.equal(true)
      expect(p.can('london', 'rides/2', 'R')).to.equal(false)
      expect(p.can('london', 'rides/1', 'D')).to.equal(false)
      expect(p.providesData('london', 'rides/2')).to.equal(false)
    })

    it('gives the same answers whichever of can and providesData is asked first', () => {
      const claims = { per: { london: { a: 'R' } }, dpv: { london: ['a'] } }
      const first = compilePermissions(claims)
      const second = compilePermissions(claims)
      expect(first.providesData('london', 'a')).to.equal(true)
      expect(first.can('london', 'a', 'R')).to.equal(true)
      expect(second.can('london', 'a', 'R')).to.equal(true)
      expect(second.providesData('london', 'a')).to.equal(true)
      expect(second.providesData('london', 'b')).to.equal(false)
    })

    it('keeps each realm to its own objects across several exact and wildcard realms', () => {
      const p = compilePermissions({
        per: { london: { 'a/*': 'R', b: 'U' }, 'eu-*': { c: 'C', 'd*': 'D' }, paris: { e: 'R' } },
        dpv: { london: ['x', 'y/*'], 'eu-*': ['z'], paris: [] },
      })
      expect(p.can('london', 'a/1', 'R')).to.equal(true)
      expect(p.can('london', 'b', 'U')).to.equal(true)
      expect(p.can('london', 'c', 'C')).to.equal(false)
      expect(p.can('eu-berlin', 'c', 'C')).to.equal(true)
      expect(p.can('eu-berlin', 'd9', 'D')).to.equal(true)
      expect(p.can('eu-berlin', 'e', 'R')).to.equal(false)
      expect(p.can('paris', 'e', 'R')).to.equal(true)
      expect(p.can('paris', 'b', 'U')).to.equal(false)
      expect(p.providesData('london', 'y/2')).to.equal(true)
      expect(p.providesData('london', 'z')).to.equal(false)
      expect(p.providesData('eu-x', 'z')).to.equal(true)
      expect(p.providesData('paris', 'x')).to.equal(false)
    })

    it('finds every exact pattern of a large table, and nothing else', () => {
      const objects = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`o${i}`, i % 2 === 0 ? 'R' : 'U']))
      const per = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`realm${i}`, objects]))
      const dpv = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`realm${i}`, Object.keys(objects)]))
      const p = compilePermissions({ per: { ...per, __proto__x: { a: 'R' } }, dpv })
      for (let r = 0; r < 12; r++) {
        for (let i = 0; i < 40; i++) {
          expect(p.can(`realm${r}`, `o${i}`, i % 2 === 0 ? 'R' : 'U'), `realm${r} o${i}`).to.equal(true)
          expect(p.can(`realm${r}`, `o${i}`, i % 2 === 0 ? 'U' : 'R')).to.equal(false)
          expect(p.providesData(`realm${r}`, `o${i}`)).to.equal(true)
        }
        expect(p.can(`realm${r}`, 'o40', 'R')).to.equal(false)
        expect(p.providesData(`realm${r}`, 'o40')).to.equal(false)
      }
      expect(p.can('realm12', 'o0', 'R')).to.equal(false)
      expect(p.can('__proto__x', 'a', 'R')).to.equal(true)
      expect(p.can('__proto__', 'a', 'R')).to.equal(false)
    })

    it('refuses a token with a malformed per or dpv at verification, before any can()', async () => {
      const key = secret()
      const now = Math.floor(Date.now() / 1000)
      const verifier = createVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': key } }, clock: createManualClock(now * 1000) })
      const perTail = { london: { a: 'R', b: 'R', z: 'R?' } }
      for (const claims of [{ per: perTail }, { dpv: { london: ['a', 'b', 7] } }, { per: { london: { a: 'R' } }, dpv: 'x' }]) {
        const token = await mint({ key, kid: 'kid-1', claims, now })
        const err = thrown(() => verifier.verifySync(token, 'bearer'))
        expect(err).to.be.instanceOf(AuthError)
        expect(err.code).to.equal('invalid_token')
        // Refused again, not served from the cache.
        expect(thrown(() => verifier.verifySync(token, 'bearer')).code).to.equal('invalid_token')
      }
    })
  })

  describe('malformed claims are invalid_token', () => {
    const shapes: Array<[string, Record<string, unknown>]> = [
      ['per as a string', { per: 'london' }],
      ['per as an array', { per: [{ london: {} }] }],
      ['per as null', { per: null }],
      ['per as a number', { per: 1 }],
      ['a realm mapped to a string', { per: { london: 'R' } }],
      ['a realm mapped to an array', { per: { london: ['a'] } }],
      ['a realm mapped to null', { per: { london: null } }],
      ['actions as a number', { per: { london: { a: 1 } } }],
      ['actions as an array', { per: { london: { a: ['R'] } } }],
      ['actions as an object', { per: { london: { a: { R: true } } } }],
      ['unknown letters', { per: { london: { a: 'RX' } } }],
      ['lower-case letters', { per: { london: { a: 'r' } } }],
      ['an absurdly long action string', { per: { london: { a: 'R'.repeat(100) } } }],
      ['an empty realm', { per: { '': { a: 'R' } } }],
      ['an empty object pattern', { per: { london: { '': 'R' } } }],
      ['dpv as an object of objects', { dpv: { london: { a: true } } }],
      ['dpv as an array', { dpv: ['london'] }],
      ['dpv as a string', { dpv: 'london' }],
      ['dpv with a non-string pattern', { dpv: { london: ['a', 1] } }],
      ['dpv with a nested array', { dpv: { london: [['a']] } }],
      ['dpv with null', { dpv: { london: [null] } }],
      ['dpv with an empty pattern', { dpv: { london: [''] } }],
      ['dpv with an empty realm', { dpv: { '': ['a'] } }],
      ['per as a Date', { per: new Date() }],
      ['per as a Map', { per: new Map([['london', {}]]) }],
    ]
    for (const [name, claims] of shapes) {
      it(`refuses ${name}`, () => {
        const err = malformed(claims)
        expect(err.message).to.match(/"(per|dpv)"/)
      })
    }

    it('refuses a pattern longer than MAX_PATTERN_LENGTH', () => {
      compilePermissions({ per: { london: { ['a'.repeat(MAX_PATTERN_LENGTH)]: 'R' } } })
      malformed({ per: { london: { ['a'.repeat(MAX_PATTERN_LENGTH + 1)]: 'R' } } })
      malformed({ per: { ['r'.repeat(MAX_PATTERN_LENGTH + 1)]: { a: 'R' } } })
      malformed({ dpv: { london: ['a'.repeat(MAX_PATTERN_LENGTH + 1)] } })
    })

    it('refuses more than MAX_PERMISSION_PATTERNS patterns across per and dpv', () => {
      const objects = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`o${i}`, 'R']))
      compilePermissions({ per: { london: objects(MAX_PERMISSION_PATTERNS - 1) } })
      malformed({ per: { london: objects(MAX_PERMISSION_PATTERNS) } })
      malformed({ per: { london: objects(600) }, dpv: { london: Array.from({ length: 500 }, (_, i) => `d${i}`) } })
      malformed({ dpv: { london: Array.from({ length: 100_000 }, () => 'a') } })
    })

    it('never includes the claim contents in the message', () => {
      const err = malformed({ per: { 'secret-realm': { 'secret-object': 'Q' } } })
      expect(err.message).not.to.contain('secret')
    })
  })
})
