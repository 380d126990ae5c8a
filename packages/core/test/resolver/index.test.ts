import { expect } from 'chai'
import { AuthError } from '../../src/errors.js'
import type { RequestView } from '../../src/request-view.js'
import { createResolver, defineTokenSource, resolveToken, RESOLVER_DEFAULTS } from '../../src/resolver/index.js'
import type { ResolvedToken, SourceOutcome } from '../../src/resolver/source.js'

const JWS_A = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnLWE'
const JWS_B = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiIn0.c2lnLWI'

function view(headers: Record<string, string | string[]>, extra: Partial<RequestView> = {}): RequestView {
  return { headers, ...extra }
}

function invalidRequest(fn: () => unknown): AuthError {
  let result: unknown
  try {
    result = fn()
  } catch (err) {
    expect(err).to.be.instanceOf(AuthError)
    expect((err as AuthError).code).to.equal('invalid_request')
    return err as AuthError
  }
  throw new Error(`expected invalid_request, got ${JSON.stringify(result)}`)
}

describe('createResolver', () => {
  describe('order', () => {
    it('reads cookie, then bearer, then auth message by default', () => {
      expect(RESOLVER_DEFAULTS.sources).to.deep.equal(['cookie', 'bearer', 'authMessage'])
      const resolve = createResolver()
      const both = view({ cookie: `hg_token=${JWS_A}`, authorization: `Bearer ${JWS_B}` }, { message: `Bearer ${JWS_B}` })
      expect(resolve(both)).to.deep.equal({ token: JWS_A, source: 'cookie' })
      expect(resolve(view({ authorization: `Bearer ${JWS_B}` }, { message: `Bearer ${JWS_A}` }))).to.deep.equal({ token: JWS_B, source: 'bearer' })
      expect(resolve(view({}, { message: `Bearer ${JWS_A}` }))).to.deep.equal({ token: JWS_A, source: 'authMessage' })
    })

    it('follows a configured order', () => {
      const resolve = createResolver({ sources: ['bearer', 'cookie'] })
      const both = view({ cookie: `hg_token=${JWS_A}`, authorization: `Bearer ${JWS_B}` })
      expect(resolve(both)).to.deep.equal({ token: JWS_B, source: 'bearer' })
      expect(resolve(view({}, { message: `Bearer ${JWS_A}` }))).to.equal(null)
    })

    it('returns null when no source carries a token', () => {
      const resolve = createResolver()
      expect(resolve(view({}))).to.equal(null)
      expect(resolve(view({ authorization: 'Basic dXNlcjpwYXNz', cookie: 'other=1' }, { message: 'hello' }))).to.equal(null)
    })

    it('lets the first carrier decide: a malformed credential never falls through', () => {
      const resolve = createResolver()
      invalidRequest(() => resolve(view({ cookie: 'hg_token=not-a-jws', authorization: `Bearer ${JWS_B}` })))
      invalidRequest(() => resolve(view({ authorization: 'Bearer' }, { message: `Bearer ${JWS_A}` })))
      expect(resolve(view({ cookie: `hg_token=${JWS_A}`, authorization: 'Bearer !!!' }))).to.deep.equal({ token: JWS_A, source: 'cookie' })
    })

    it('does not read the query string unless asked to', () => {
      expect(createResolver()(view({}, { url: `/x?token=${JWS_A}` }))).to.equal(null)
      const resolve = createResolver({ sources: ['cookie', 'bearer', 'query'] })
      expect(resolve(view({}, { url: `/x?token=${JWS_A}` }))).to.deep.equal({ token: JWS_A, source: 'query' })
    })

    it('uses the configured cookie name and query parameter', () => {
      const resolve = createResolver({ sources: ['cookie', 'query'], cookieName: 'authCookie', queryParameter: 'access_token' })
      expect(resolve(view({ cookie: `hg_token=${JWS_B}; authCookie=${JWS_A}` }))).to.deep.equal({ token: JWS_A, source: 'cookie' })
      expect(resolve(view({}, { url: `/x?token=${JWS_B}&access_token=${JWS_A}` }))).to.deep.equal({ token: JWS_A, source: 'query' })
    })
  })

  describe('custom sources', () => {
    const apiKey = defineTokenSource({
      name: 'apiKey',
      read(v: RequestView): SourceOutcome {
        const value = v.headers['x-api-key']
        if (value === undefined) return { kind: 'none' }
        return value === 'bad' ? { kind: 'malformed', reason: 'Bad API key' } : { kind: 'token', token: String(value) }
      },
    })

    it('takes the position the order gives them and records their name', () => {
      const resolve = createResolver({ sources: ['cookie', apiKey, 'bearer'] })
      expect(resolve(view({ 'x-api-key': JWS_A, authorization: `Bearer ${JWS_B}` }))).to.deep.equal({ token: JWS_A, source: 'apiKey' })
      expect(resolve(view({ 'x-api-key': JWS_A, cookie: `hg_token=${JWS_B}` }))).to.deep.equal({ token: JWS_B, source: 'cookie' })
      const err = invalidRequest(() => resolve(view({ 'x-api-key': 'bad', authorization: `Bearer ${JWS_B}` })))
      expect(err.message).to.equal('Bad API key')
    })

    it('replaces the default list entirely', () => {
      const resolve = createResolver({ sources: [apiKey] })
      expect(resolve(view({ cookie: `hg_token=${JWS_B}`, authorization: `Bearer ${JWS_B}` }))).to.equal(null)
    })

    it('treats an outcome outside the contract as a programming error', () => {
      const broken = defineTokenSource({ name: 'broken', read: () => ({ kind: 'token', token: '' }) as SourceOutcome })
      expect(() => createResolver({ sources: [broken] })(view({}))).to.throw(TypeError, /"broken"/)
    })
  })

  describe('options are validated at construction', () => {
    it('names `sources` for an unknown source name', () => {
      expect(() => createResolver({ sources: ['cookie', 'header' as 'cookie'] })).to.throw(TypeError, /"sources".*"header"/)
    })
    it('refuses an empty list, a non-array and duplicates', () => {
      expect(() => createResolver({ sources: [] })).to.throw(RangeError, /"sources"/)
      expect(() => createResolver({ sources: 'cookie' as unknown as [] })).to.throw(TypeError, /"sources"/)
      expect(() => createResolver({ sources: ['cookie', 'bearer', 'cookie'] })).to.throw(TypeError, /"sources".*twice/)
    })
    it('refuses a custom source without a name or a read function', () => {
      expect(() => createResolver({ sources: [{ name: '', read: () => ({ kind: 'none' }) }] })).to.throw(RangeError, /sources\[0\]\.name/)
      expect(() => createResolver({ sources: ['cookie', { name: 'x' } as never] })).to.throw(TypeError, /sources\[1\]\.read/)
      expect(() => createResolver({ sources: [null as never] })).to.throw(TypeError, /sources\[0\]/)
    })
    it('refuses bad cookie names and query parameters', () => {
      expect(() => createResolver({ cookieName: '' })).to.throw(RangeError, /"cookieName"/)
      expect(() => createResolver({ cookieName: 'a b' })).to.throw(RangeError, /"cookieName"/)
      expect(() => createResolver({ cookieName: 'a;b=c' })).to.throw(RangeError, /"cookieName"/)
      expect(() => createResolver({ cookieName: 42 as unknown as string })).to.throw(TypeError, /"cookieName"/)
      expect(() => createResolver({ queryParameter: '' })).to.throw(RangeError, /"queryParameter"/)
    })
  })
})

describe('resolveToken', () => {
  it('uses the default order without options', () => {
    const found = resolveToken(view({ authorization: `bearer ${JWS_A}` })) as ResolvedToken
    expect(found).to.deep.equal({ token: JWS_A, source: 'bearer' })
    expect(resolveToken(view({}))).to.equal(null)
  })

  it('builds a resolver from options and reuses it for the same options object', () => {
    const options = { sources: ['query'] as const, queryParameter: 'jwt' }
    expect(resolveToken(view({}, { url: `/?jwt=${JWS_A}` }), { sources: [...options.sources], queryParameter: 'jwt' })).to.deep.equal({ token: JWS_A, source: 'query' })
    expect(() => resolveToken(view({}), { sources: ['nope' as 'query'] })).to.throw(TypeError, /"sources"/)
  })

  it('throws invalid_request for malformed credentials', () => {
    invalidRequest(() => resolveToken(view({ authorization: 'Bearer a b' })))
  })
})
