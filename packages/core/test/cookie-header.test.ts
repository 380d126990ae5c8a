import { expect } from 'chai'
import { parseCookies } from '@hivegate/core'

describe('parseCookies', () => {
  it('keeps the first of a repeated name, unquotes, keeps values as sent, skips pairs without a name', () => {
    expect({ ...parseCookies('a=1; b="2"; a=3; junk; =x; c=%41') }).to.deep.equal({ a: '1', b: '2', c: '%41' })
  })

  it('joins HTTP/2 cookie headers and reads nothing from nothing', () => {
    expect({ ...parseCookies(['a=1', 'b=2']) }).to.deep.equal({ a: '1', b: '2' })
    expect({ ...parseCookies(undefined) }).to.deep.equal({})
    expect({ ...parseCookies('') }).to.deep.equal({})
  })

  it('gives an object without a prototype, so __proto__ is just a name', () => {
    const cookies = parseCookies('__proto__=x; constructor=y')
    expect(Object.getPrototypeOf(cookies)).to.equal(null)
    expect(cookies['__proto__']).to.equal('x')
    expect(cookies['constructor']).to.equal('y')
  })
})
