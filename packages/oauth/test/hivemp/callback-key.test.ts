import { expect } from 'chai'
import { callbackKeyOf, isKeyedCallbackPath, keyedRedirectUri, newCallbackKey } from '../../src/hivemp/callback-key.js'

describe('callback key', () => {
  it('is 32 URL-safe characters, new every time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => newCallbackKey()))
    expect(keys.size).to.equal(50)
    for (const key of keys) expect(key).to.match(/^[A-Za-z0-9_-]{32}$/)
  })

  it('goes in the redirect URI as one more path segment, the query kept', () => {
    expect(keyedRedirectUri(new URL('https://game.example/auth/callback'), 'k1')).to.equal('https://game.example/auth/callback/k1')
    expect(keyedRedirectUri(new URL('https://game.example/auth/callback?x=1'), 'k1')).to.equal('https://game.example/auth/callback/k1?x=1')
  })

  it('routes the callback path and one segment below it, nothing deeper or beside it', () => {
    expect(isKeyedCallbackPath('/auth/callback', '/auth/callback')).to.equal(true)
    expect(isKeyedCallbackPath('/auth/callback/abc', '/auth/callback')).to.equal(true)
    expect(isKeyedCallbackPath('/auth/callback/a/b', '/auth/callback')).to.equal(false)
    expect(isKeyedCallbackPath('/auth/callbacks', '/auth/callback')).to.equal(false)
    expect(isKeyedCallbackPath('/auth/login', '/auth/callback')).to.equal(false)
  })

  it('reads the value from the path only when it has the shape of one', () => {
    const key = newCallbackKey()
    expect(callbackKeyOf(`/auth/callback/${key}`, '/auth/callback')).to.equal(key)
    for (const path of ['/auth/callback', '/auth/callback/', '/auth/callback/a%2Fb', `/auth/callback/${'a'.repeat(65)}`, '/auth/callback/a.b']) {
      expect(callbackKeyOf(path, '/auth/callback'), path).to.equal(undefined)
    }
  })
})
