import { expect } from 'chai'
import type { RequestView } from '../../src/request-view.js'
import { bearerSource, parseBearerCredentials } from '../../src/resolver/bearer.js'

const JWS = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnLWE'

function read(authorization: string | string[] | undefined, extra: Partial<RequestView> = {}) {
  return bearerSource.read({ headers: authorization === undefined ? {} : { authorization }, ...extra })
}

describe('bearerSource', () => {
  it('finds a token after Bearer, the scheme in any casing', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      expect(read(`${scheme} ${JWS}`), scheme).to.deep.equal({ kind: 'token', token: JWS })
    }
  })

  it('accepts the whole RFC 6750 b64token alphabet, trailing "=" included', () => {
    const token = 'AZaz09-._~+/abc=='
    expect(read(`Bearer ${token}`)).to.deep.equal({ kind: 'token', token })
    expect(read('Bearer   spaced')).to.deep.equal({ kind: 'token', token: 'spaced' })
  })

  it('is none without the header, for an empty header and for other schemes', () => {
    expect(read(undefined).kind).to.equal('none')
    expect(read('').kind).to.equal('none')
    expect(read('Basic dXNlcjpwYXNz').kind).to.equal('none')
    expect(read('Digest username="a"').kind).to.equal('none')
    expect(read(`Bearerx ${JWS}`).kind).to.equal('none')
    expect(read(`Bear ${JWS}`).kind).to.equal('none')
    expect(read('DPoP abc').kind).to.equal('none')
  })

  const malformed: Array<[string, string]> = [
    ['Bearer with nothing after it', 'Bearer'],
    ['Bearer with only spaces', 'Bearer    '],
    ['a tab as separator', `Bearer\t${JWS}`],
    ['a tab after the space', `Bearer \t${JWS}`],
    ['two tokens', `Bearer ${JWS} ${JWS}`],
    ['a trailing tab', `Bearer ${JWS}\t`],
    ['a comma-separated list', `Bearer ${JWS}, Basic abc`],
    ['"=" inside the token', 'Bearer ab=cd'],
    ['"=" alone', 'Bearer ='],
    ['a quoted token', `Bearer "${JWS}"`],
    ['non-ASCII', 'Bearer tökén'],
    ['a latin1 byte from a raw header', 'Bearer abc\u00ff'],
    ['a NUL byte', 'Bearer abc\u0000'],
    ['CR LF injection', 'Bearer abc\r\nX-Admin: 1'],
    ['an emoji', 'Bearer \u{1F600}'],
  ]
  for (const [name, value] of malformed) {
    it(`is malformed for ${name}`, () => {
      const outcome = read(value)
      expect(outcome.kind).to.equal('malformed')
      if (outcome.kind === 'malformed') expect(outcome.reason).not.to.contain('abc')
    })
  }

  it('is malformed for two Authorization lines in the raw headers', () => {
    const rawHeaders = ['Host', 'x', 'Authorization', `Bearer ${JWS}`, 'authorization', 'Bearer other']
    expect(read(`Bearer ${JWS}`, { rawHeaders }).kind).to.equal('malformed')
    const basicFirst = ['AUTHORIZATION', 'Basic abc', 'Authorization', `Bearer ${JWS}`]
    expect(read('Basic abc', { rawHeaders: basicFirst }).kind).to.equal('malformed')
    expect(read(`Bearer ${JWS}`, { rawHeaders: ['Authorization', `Bearer ${JWS}`, 'X-Authorization', 'x'] }).kind).to.equal('token')
  })

  it('is malformed for a header array with more than one value', () => {
    expect(read([`Bearer ${JWS}`, `Bearer ${JWS}`]).kind).to.equal('malformed')
    expect(read([]).kind).to.equal('malformed')
    expect(read([`Bearer ${JWS}`])).to.deep.equal({ kind: 'token', token: JWS })
  })

  it('scans a huge header in one pass and reports it as a token for the verifier to size-check', () => {
    const huge = 'a'.repeat(1024 * 1024)
    expect(read(`Bearer ${huge}`)).to.deep.equal({ kind: 'token', token: huge })
    expect(read(`Bearer ${huge}!`).kind).to.equal('malformed')
  })
})

describe('parseBearerCredentials', () => {
  it('parses a slice of a string', () => {
    expect(parseBearerCredentials(`  Bearer ${JWS}  `, 2, JWS.length + 9)).to.deep.equal({ kind: 'token', token: JWS })
  })
})
