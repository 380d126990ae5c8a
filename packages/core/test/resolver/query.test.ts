import { expect } from 'chai'
import { querySource } from '../../src/resolver/query.js'

const JWS = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnLWE'
const source = querySource()
const read = (url: string | undefined) => source.read({ headers: {}, ...(url === undefined ? {} : { url }) })

describe('querySource', () => {
  it('reads the token parameter', () => {
    expect(read(`/realms/london?token=${JWS}`)).to.deep.equal({ kind: 'token', token: JWS })
    expect(read(`/x?a=1&token=${JWS}#frag`)).to.deep.equal({ kind: 'token', token: JWS })
    expect(read(`/x?%74oken=${JWS}`)).to.deep.equal({ kind: 'token', token: JWS })
    expect(source.name).to.equal('query')
  })

  it('reads a configured parameter', () => {
    expect(querySource('access_token').read({ headers: {}, url: `/?token=x&access_token=${JWS}` })).to.deep.equal({ kind: 'token', token: JWS })
    expect(() => querySource('')).to.throw(RangeError, /"queryParameter"/)
  })

  it('is none without a url, a query or the parameter', () => {
    expect(read(undefined).kind).to.equal('none')
    expect(read('/x').kind).to.equal('none')
    expect(read('/x?tokens=1').kind).to.equal('none')
    expect(read(`/x#?token=${JWS}`).kind).to.equal('none')
  })

  it('is malformed for an empty, repeated or non-JWS value', () => {
    expect(read('/x?token=').kind).to.equal('malformed')
    expect(read(`/x?token=${JWS}&token=${JWS}`).kind).to.equal('malformed')
    expect(read('/x?token=abc').kind).to.equal('malformed')
    expect(read(`/x?token=${JWS}%00`).kind).to.equal('malformed')
    expect(read(`/x?token=${JWS}+`).kind).to.equal('malformed')
  })

  it('never throws on odd urls', () => {
    for (const url of ['http://[bad?token=a', '//evil.example/?token=a.b.c', '?token=%E0%A4%A', '\u0000?token=1']) {
      expect(() => read(url), url).not.to.throw()
    }
    expect(read('//evil.example/?token=a.b.c')).to.deep.equal({ kind: 'token', token: 'a.b.c' })
  })
})
