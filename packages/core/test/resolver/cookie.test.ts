import { expect } from 'chai'
import type { RequestView } from '../../src/request-view.js'
import { cookieSource, isCompactJws } from '../../src/resolver/cookie.js'

const JWS_A = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnLWE'
const JWS_B = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiIn0.c2lnLWI'
const source = cookieSource()

function read(cookie: string | string[] | undefined, extra: Partial<RequestView> = {}) {
  return source.read({ headers: cookie === undefined ? {} : { cookie }, ...extra })
}

describe('cookieSource', () => {
  it('reads hg_token from the Cookie header', () => {
    expect(read(`a=1; hg_token=${JWS_A}; b=2`)).to.deep.equal({ kind: 'token', token: JWS_A })
    expect(read(`hg_token=${JWS_A}`)).to.deep.equal({ kind: 'token', token: JWS_A })
    expect(read(`hg_token="${JWS_A}"`)).to.deep.equal({ kind: 'token', token: JWS_A })
    expect(source.name).to.equal('cookie')
  })

  it('reads a configured name', () => {
    const named = cookieSource('authCookie')
    expect(named.read({ headers: { cookie: `hg_token=${JWS_B}; authCookie=${JWS_A}` } })).to.deep.equal({ kind: 'token', token: JWS_A })
    expect(() => cookieSource('bad name')).to.throw(RangeError, /"cookieName"/)
  })

  it('prefers cookies the host already parsed', () => {
    expect(read(undefined, { cookies: { hg_token: JWS_A } })).to.deep.equal({ kind: 'token', token: JWS_A })
    expect(read(undefined, { cookies: {} }).kind).to.equal('none')
    expect(read(undefined, { cookies: JSON.parse('{"__proto__":"x"}') }).kind).to.equal('none')
    expect(read(undefined, { cookies: { hg_token: { j: 1 } as unknown as string } }).kind).to.equal('malformed')
  })

  it('joins header arrays (HTTP/2 sends one line per cookie)', () => {
    expect(read(['a=1', `hg_token=${JWS_A}`])).to.deep.equal({ kind: 'token', token: JWS_A })
  })

  it('is none when the cookie is absent or empty', () => {
    expect(read(undefined).kind).to.equal('none')
    expect(read('').kind).to.equal('none')
    expect(read('a=1; b=2').kind).to.equal('none')
    expect(read('hg_token=').kind).to.equal('none')
    expect(read(`xhg_token=${JWS_A}`).kind).to.equal('none')
    expect(read(`hg_token_old=${JWS_A}`).kind).to.equal('none')
    expect(read(`a=hg_token=${JWS_A}`).kind).to.equal('none')
  })

  const notJws: Array<[string, string]> = [
    ['a random string', 'hg_token=hello'],
    ['two parts', 'hg_token=eyJh.eyJz'],
    ['four parts', `hg_token=${JWS_A}.x`],
    ['an empty header part', 'hg_token=.eyJz.sig'],
    ['standard base64', 'hg_token=eyJh+.eyJz/.c2ln'],
    ['padding', 'hg_token=eyJh.eyJz.c2ln=='],
    ['a percent-encoded space', `hg_token=${JWS_A}%20`],
    ['non-ASCII', 'hg_token=ëyJh.eyJz.c2ln'],
    ['a JSON value', 'hg_token=j%3A%7B%22a%22%3A1%7D'],
  ]
  for (const [name, header] of notJws) {
    it(`is malformed for ${name}`, () => {
      const outcome = read(header)
      expect(outcome.kind).to.equal('malformed')
      if (outcome.kind === 'malformed') expect(outcome.reason).to.match(/hg_token cookie/)
    })
  }

  it('is malformed when the cookie is sent twice with different values', () => {
    expect(read(`hg_token=${JWS_A}; hg_token=${JWS_B}`).kind).to.equal('malformed')
    expect(read(`hg_token=${JWS_A}; other=1; hg_token = ${JWS_B}`).kind).to.equal('malformed')
    expect(read([`hg_token=${JWS_A}`, `hg_token=${JWS_B}`]).kind).to.equal('malformed')
    expect(read(`hg_token=${JWS_A}`, { cookies: { hg_token: JWS_A } }).kind).to.equal('token')
    expect(read(`hg_token=${JWS_A}; hg_token=${JWS_B}`, { cookies: { hg_token: JWS_A } }).kind).to.equal('malformed')
  })

  it('accepts the same value twice and mentions of the name inside other cookies', () => {
    expect(read(`hg_token=${JWS_A}; hg_token=${JWS_A}`)).to.deep.equal({ kind: 'token', token: JWS_A })
    expect(read(`note=hg_token; hg_token=${JWS_A}`)).to.deep.equal({ kind: 'token', token: JWS_A })
  })

  it('is not confused by separators hidden in other cookies', () => {
    expect(read(`a="x; hg_token=${JWS_B}"; hg_token=${JWS_A}`).kind).to.be.oneOf(['token', 'malformed'])
    expect(read(`a=1;hg_token=${JWS_A};;; ;`)).to.deep.equal({ kind: 'token', token: JWS_A })
  })

  it('handles a huge header without failing', () => {
    const header = `${'x'.repeat(64 * 1024)}=1; hg_token=${JWS_A}`
    expect(read(header)).to.deep.equal({ kind: 'token', token: JWS_A })
    expect(read(`hg_token=${'a'.repeat(100_000)}`).kind).to.equal('malformed')
  })
})

describe('isCompactJws', () => {
  it('accepts three base64url parts, the signature possibly empty', () => {
    expect(isCompactJws(JWS_A)).to.equal(true)
    expect(isCompactJws('a.b.')).to.equal(true)
    expect(isCompactJws('a-_.b.c')).to.equal(true)
  })
  it('refuses everything else', () => {
    for (const value of ['', '.', '..', 'a..c', '.b.c', 'a.b', 'a.b.c.d', 'a.b.c=', 'a b.c.d', 'a.b.c\n']) {
      expect(isCompactJws(value), value).to.equal(false)
    }
  })
})
