import { expect } from 'chai'
import { checkRegisteredClaims, MAX_NUMERIC_DATE, type ClaimRules } from '../src/claims.js'
import { AuthError } from '../src/errors.js'
import type { Claims } from '../src/claims.js'

const NOW = 1_900_000_000
const rules: ClaimRules = { issuers: new Set(['iss']), audiences: new Set(['aud']), requiredClaims: ['tnd'], tolerance: 5, maxTokenAge: undefined }
const base: Claims = { iss: 'iss', aud: 'aud', tnd: 't', iat: NOW, exp: NOW + 60 }

// validUntil when the verdict may be cached, -1 when not, or the refusal's code.
function code(claims: Claims, extra: Partial<ClaimRules> = {}): string | number {
  try {
    const verdict = checkRegisteredClaims(claims, NOW, { ...rules, ...extra })
    return verdict.cacheable ? verdict.validUntil : -1
  } catch (err) {
    expect(err).to.be.instanceOf(AuthError)
    return (err as AuthError).code
  }
}

describe('checkRegisteredClaims', () => {
  it('returns the first epoch ms at which the token is refused: exp + tolerance, or Infinity without exp', () => {
    expect(code(base)).to.equal((NOW + 65) * 1000)
    expect(code({ ...base, exp: undefined })).to.equal(Infinity)
  })

  it('expires at exp <= now - tolerance, like jose', () => {
    expect(code({ ...base, exp: NOW - 5 })).to.equal('token_expired')
    expect(code({ ...base, exp: NOW - 4 })).to.equal((NOW + 1) * 1000)
  })

  it('rounds a fractional exp + tolerance up to the whole second the check refuses it at', () => {
    expect(code({ ...base, exp: NOW + 10.25 }, { tolerance: 0.5 })).to.equal((NOW + 11) * 1000)
    expect(code({ ...base, exp: NOW + 10 }, { tolerance: 0 })).to.equal((NOW + 10) * 1000)
    expect(code({ ...base, exp: NOW + 1 }, { tolerance: 0 })).to.equal((NOW + 1) * 1000)
    expect(code({ ...base, exp: NOW }, { tolerance: 0 })).to.equal('token_expired')
  })

  it('refuses nbf beyond the tolerance and does not cache a token not valid yet', () => {
    expect(code({ ...base, nbf: NOW + 6 })).to.equal('invalid_token')
    expect(code({ ...base, nbf: NOW + 5 })).to.equal(-1)
    expect(code({ ...base, nbf: NOW })).to.equal((NOW + 65) * 1000)
    expect(checkRegisteredClaims({ ...base, nbf: NOW + 5 }, NOW, rules).validUntil).to.equal((NOW + 65) * 1000)
  })

  it('refuses iat in the future beyond the tolerance', () => {
    expect(code({ ...base, iat: NOW + 6 })).to.equal('invalid_token')
    expect(code({ ...base, iat: NOW + 5 })).to.equal(-1)
  })

  it('requires time claims to be numbers from 0 to the year 9999', () => {
    for (const bad of [Infinity, -Infinity, NaN, -1, MAX_NUMERIC_DATE + 1, '1', null, {}, [1], true]) {
      for (const name of ['exp', 'nbf', 'iat']) {
        expect(code({ ...base, [name]: bad }), `${name}=${String(bad)}`).to.equal('invalid_token')
      }
    }
    expect(code({ ...base, exp: MAX_NUMERIC_DATE })).to.equal((MAX_NUMERIC_DATE + 5) * 1000)
    expect(code({ ...base, iat: 0.5 })).to.be.a('number')
  })

  it('checks iss, aud, sub, jti and required claims', () => {
    expect(code({ ...base, iss: 'other' })).to.equal('invalid_token')
    expect(code({ ...base, iss: undefined })).to.equal('invalid_token')
    expect(code({ ...base, aud: ['x', 'aud'] })).to.be.a('number')
    expect(code({ ...base, aud: ['x'] })).to.equal('invalid_token')
    expect(code({ ...base, aud: ['aud', 1] as never })).to.equal('invalid_token')
    expect(code({ ...base, aud: undefined })).to.equal('invalid_token')
    expect(code({ ...base, aud: 5 as never }, { audiences: undefined })).to.equal('invalid_token')
    expect(code({ ...base, aud: [] }, { audiences: undefined })).to.be.a('number')
    expect(code({ ...base, sub: 5 as never })).to.equal('invalid_token')
    expect(code({ ...base, jti: 5 as never })).to.equal('invalid_token')
    expect(code({ ...base, tnd: undefined })).to.equal('invalid_token')
    expect(code({ ...base, tnd: null as never })).to.equal('invalid_token')
  })

  it('applies maxTokenAge with the tolerance and ends validUntil (and the cache lifetime) with it', () => {
    const aged = { maxTokenAge: 30 }
    // Accepted while floor(now / 1000) <= iat + maxTokenAge + tolerance: through the whole second NOW.
    expect(code({ ...base, iat: NOW - 35 }, aged)).to.equal((NOW + 1) * 1000)
    expect(code({ ...base, iat: NOW - 36 }, aged)).to.equal('token_expired')
    expect(code({ ...base, iat: undefined }, aged)).to.equal('invalid_token')
    expect(code({ ...base, iat: NOW }, aged)).to.equal((NOW + 36) * 1000)
    expect(code({ ...base, iat: NOW, exp: NOW + 20 }, aged)).to.equal((NOW + 25) * 1000)
  })

  it('never quotes a claim value in its description', () => {
    try {
      checkRegisteredClaims({ ...base, iss: 'evil"\r\nvalue' }, NOW, rules)
      expect.fail('accepted')
    } catch (err) {
      expect((err as Error).message).not.to.include('evil')
    }
  })
})
