import { expect } from 'chai'
import { parseCookieHeader, serializeCookie } from '../src/cookies.js'

describe('cookies', () => {
  it('serialises HttpOnly cookies with Path, Max-Age, SameSite and Secure', () => {
    expect(serializeCookie('hg_token', 'abc', { path: '/', secure: true, sameSite: 'Lax', maxAge: 60 })).to.equal(
      'hg_token=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure',
    )
    expect(serializeCookie('hg_token', '', { path: '/auth', secure: false, sameSite: 'Lax', maxAge: 0 })).to.equal(
      'hg_token=; Path=/auth; Max-Age=0; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    )
  })

  it('refuses names and values a cookie cannot carry', () => {
    expect(() => serializeCookie('a b', 'x', { path: '/', secure: true, sameSite: 'Lax', maxAge: 1 })).to.throw(TypeError)
    expect(() => serializeCookie('a', 'x;y', { path: '/', secure: true, sameSite: 'Lax', maxAge: 1 })).to.throw(TypeError)
  })

  it('parses a Cookie header; the first of a repeated name wins', () => {
    expect({ ...parseCookieHeader('a=1; b="2"; a=3; junk; =x') }).to.deep.equal({ a: '1', b: '2' })
    expect({ ...parseCookieHeader(undefined) }).to.deep.equal({})
    expect({ ...parseCookieHeader(`a=${'x'.repeat(20000)}`) }).to.deep.equal({})
  })
})
