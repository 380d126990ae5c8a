import { expect } from 'chai'
import { assertOriginRule, isOriginAllowed, requestOrigin } from '../src/origin.js'
import type { RequestView } from '../src/request-view.js'

const view = (headers: Record<string, string | string[]>): RequestView => ({ headers, method: 'POST' })

describe('isOriginAllowed', () => {
  describe('default rule: the request’s own host', () => {
    it('allows an Origin whose host and port equal the Host header', () => {
      expect(isOriginAllowed(view({ host: 'api.example', origin: 'https://api.example' }), undefined)).to.equal(true)
      expect(isOriginAllowed(view({ host: 'api.example:8080', origin: 'http://api.example:8080' }), undefined)).to.equal(true)
      expect(isOriginAllowed(view({ host: 'API.Example', origin: 'https://api.example' }), undefined)).to.equal(true)
      expect(isOriginAllowed(view({ host: 'api.example:443', origin: 'https://api.example' }), undefined)).to.equal(true)
      expect(isOriginAllowed(view({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }), undefined)).to.equal(true)
      expect(isOriginAllowed(view({ host: '[::1]:3000', origin: 'http://[::1]:3000' }), undefined)).to.equal(true)
      expect(isOriginAllowed(view({ ':authority': 'api.example', origin: 'https://api.example' }), undefined)).to.equal(true)
    })

    it('refuses another host, another port, or a look-alike', () => {
      const refused: Array<[string, string]> = [
        ['api.example', 'https://evil.example'],
        ['api.example', 'https://api.example.evil.example'],
        ['api.example', 'https://evil-api.example'],
        ['api.example:8080', 'http://api.example:8081'],
        ['api.example', 'https://api.example:8443'],
        ['api.example:80', 'https://api.example'],
        ['api.example@evil.example', 'https://evil.example'],
        ['evil.example/x', 'https://evil.example'],
        ['', 'https://api.example'],
      ]
      for (const [host, origin] of refused) expect(isOriginAllowed(view({ host, origin }), undefined), `${host} / ${origin}`).to.equal(false)
      expect(isOriginAllowed(view({ origin: 'https://api.example' }), undefined)).to.equal(false)
    })

    it('falls back to the origin of Referer when Origin is absent', () => {
      expect(isOriginAllowed(view({ host: 'api.example', referer: 'https://api.example/page?x=1' }), undefined)).to.equal(true)
      expect(isOriginAllowed(view({ host: 'api.example', referer: 'https://evil.example/https://api.example' }), undefined)).to.equal(false)
      expect(isOriginAllowed(view({ host: 'api.example', origin: 'https://evil.example', referer: 'https://api.example/' }), undefined)).to.equal(false)
    })

    it('never allows Origin: null, a missing origin, or garbage', () => {
      expect(isOriginAllowed(view({ host: 'api.example', origin: 'null' }), undefined)).to.equal(false)
      expect(isOriginAllowed(view({ host: 'api.example', origin: 'null', referer: 'https://api.example/' }), undefined)).to.equal(false)
      expect(isOriginAllowed(view({ host: 'api.example' }), undefined)).to.equal(false)
      expect(isOriginAllowed(view({ host: 'api.example', origin: 'api.example' }), undefined)).to.equal(false)
      expect(isOriginAllowed(view({ host: 'api.example', origin: 'file:///etc/passwd' }), undefined)).to.equal(false)
      expect(isOriginAllowed(view({ host: 'api.example', origin: ['https://api.example', 'https://api.example'] }), undefined)).to.equal(false)
      expect(isOriginAllowed(view({ host: 'x'.repeat(100_000), origin: 'https://api.example' }), undefined)).to.equal(false)
    })
  })

  describe('default rule: the scheme the request came over', () => {
    const over = (protocol: RequestView['protocol'], headers: Record<string, string>): RequestView => ({ headers, method: 'POST', protocol })

    it('refuses an http: origin of the same host for a request that came over TLS', () => {
      expect(isOriginAllowed(over('https', { host: 'api.example', origin: 'http://api.example' }), undefined)).to.equal(false)
      expect(isOriginAllowed(over('https', { host: 'api.example:8443', origin: 'http://api.example:8443' }), undefined)).to.equal(false)
      expect(isOriginAllowed(over('https', { host: 'api.example', referer: 'http://api.example/page' }), undefined)).to.equal(false)
      expect(isOriginAllowed(over('https', { host: 'api.example:80', origin: 'http://api.example' }), undefined)).to.equal(false)
    })

    it('allows the same scheme, and an https: origin over plain http (a TLS-terminating proxy)', () => {
      expect(isOriginAllowed(over('https', { host: 'api.example', origin: 'https://api.example' }), undefined)).to.equal(true)
      expect(isOriginAllowed(over('https', { host: 'api.example:8443', origin: 'https://api.example:8443' }), undefined)).to.equal(true)
      expect(isOriginAllowed(over('https', { host: 'api.example', referer: 'https://api.example/page' }), undefined)).to.equal(true)
      expect(isOriginAllowed(over('http', { host: 'api.example', origin: 'http://api.example' }), undefined)).to.equal(true)
      expect(isOriginAllowed(over('http', { host: 'api.example', origin: 'https://api.example' }), undefined)).to.equal(true)
    })

    it('keeps comparing host and port only when the view does not say', () => {
      expect(isOriginAllowed(over(undefined, { host: 'api.example', origin: 'http://api.example' }), undefined)).to.equal(true)
      expect(isOriginAllowed(over(undefined, { host: 'api.example', origin: 'https://api.example' }), undefined)).to.equal(true)
    })

    it('leaves explicit rules alone: a listed http: origin is the app’s choice', () => {
      expect(isOriginAllowed(over('https', { host: 'api.example', origin: 'http://app.example' }), ['http://app.example'])).to.equal(true)
      expect(isOriginAllowed(over('https', { host: 'api.example', origin: 'http://app.example' }), (o) => o === 'http://app.example')).to.equal(true)
    })

    it('answers from the remembered parses whatever scheme asked first, in any order', () => {
      const origin = 'http://scheme-remembered.example'
      const host = 'scheme-remembered.example'
      for (let round = 0; round < 3; round++) {
        expect(isOriginAllowed(over('http', { host, origin }), undefined)).to.equal(true)
        expect(isOriginAllowed(over('https', { host, origin }), undefined)).to.equal(false)
        expect(isOriginAllowed(over(undefined, { host, origin }), undefined)).to.equal(true)
      }
    })
  })

  describe('remembered parses', () => {
    it('answers each Host on its own for one remembered Origin, in any order', () => {
      const origin = 'https://remembered.example'
      const cases: Array<[string, boolean]> = [
        ['remembered.example', true],
        ['evil.example', false],
        ['remembered.example:443', true],
        ['remembered.example:8443', false],
        ['remembered.example', true],
        ['evil.example', false],
      ]
      for (let round = 0; round < 2; round++) {
        for (const [host, allowed] of cases) expect(isOriginAllowed(view({ host, origin }), undefined), host).to.equal(allowed)
      }
      expect(isOriginAllowed(view({ host: 'evil.example', origin: 'https://evil.example' }), undefined)).to.equal(true)
      expect(isOriginAllowed(view({ host: 'remembered.example', origin }), ['https://other.example'])).to.equal(false)
      expect(isOriginAllowed(view({ host: 'remembered.example', origin }), [origin])).to.equal(true)
    })

    it('stays right past its limits: many origins, many hosts, long values', () => {
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 600; i++) {
          const host = `h${i}.example`
          expect(isOriginAllowed(view({ host, origin: `https://${host}` }), undefined)).to.equal(true)
          expect(isOriginAllowed(view({ host, origin: `https://x${host}` }), undefined)).to.equal(false)
          expect(isOriginAllowed(view({ host: `h${i}.example`, origin: 'https://shared.example' }), undefined)).to.equal(false)
        }
      }
      const long = `${'a'.repeat(300)}.example`
      expect(isOriginAllowed(view({ host: long, origin: `https://${long}` }), undefined)).to.equal(true)
      expect(isOriginAllowed(view({ host: long, origin: 'https://shared.example' }), undefined)).to.equal(false)
      expect(isOriginAllowed(view({ host: 'shared.example', origin: 'https://shared.example' }), undefined)).to.equal(true)
    })
  })

  describe('a list of origins', () => {
    const allowed = ['https://app.example', 'http://localhost:5173']
    it('allows exactly the listed origins, whatever the request host', () => {
      expect(isOriginAllowed(view({ host: 'api.example', origin: 'https://app.example' }), allowed)).to.equal(true)
      expect(isOriginAllowed(view({ host: 'api.example', origin: 'https://APP.example:443' }), allowed)).to.equal(true)
      expect(isOriginAllowed(view({ host: 'api.example', origin: 'http://localhost:5173' }), allowed)).to.equal(true)
      expect(isOriginAllowed(view({ host: 'api.example', origin: 'http://app.example' }), allowed)).to.equal(false)
      expect(isOriginAllowed(view({ host: 'api.example', origin: 'https://api.example' }), allowed)).to.equal(false)
      expect(isOriginAllowed(view({ host: 'api.example', origin: 'http://localhost:5174' }), allowed)).to.equal(false)
    })
    it('normalizes listed origins', () => {
      expect(isOriginAllowed(view({ origin: 'https://app.example' }), ['HTTPS://App.Example:443/'])).to.equal(true)
    })
  })

  describe('a predicate', () => {
    it('receives the serialized origin and decides', () => {
      const seen: string[] = []
      const rule = (origin: string) => (seen.push(origin), origin.endsWith('.trusted.example'))
      expect(isOriginAllowed(view({ origin: 'https://a.trusted.example' }), rule)).to.equal(true)
      expect(isOriginAllowed(view({ referer: 'https://evil.example/a.trusted.example' }), rule)).to.equal(false)
      expect(seen).to.deep.equal(['https://a.trusted.example', 'https://evil.example'])
    })
    it('is not called without an origin, and only `true` allows', () => {
      expect(isOriginAllowed(view({}), () => true)).to.equal(false)
      expect(isOriginAllowed(view({ origin: 'https://a.example' }), (() => 'yes') as unknown as () => boolean)).to.equal(false)
    })
  })
})

describe('requestOrigin', () => {
  it('gives Origin, else the origin of Referer', () => {
    expect(requestOrigin(view({ origin: 'https://a.example' }))?.origin).to.equal('https://a.example')
    expect(requestOrigin(view({ referer: 'https://b.example/path' }))?.origin).to.equal('https://b.example')
    expect(requestOrigin(view({}))).to.equal(undefined)
  })
})

describe('assertOriginRule', () => {
  it('accepts undefined, functions and origin lists', () => {
    assertOriginRule('allowedOrigins', undefined)
    assertOriginRule('allowedOrigins', () => true)
    assertOriginRule('allowedOrigins', ['https://app.example', 'http://localhost:3000/'])
  })
  it('refuses anything else, naming the option', () => {
    expect(() => assertOriginRule('allowedOrigins', 'https://app.example')).to.throw(TypeError, /"allowedOrigins"/)
    expect(() => assertOriginRule('allowedOrigins', ['app.example'])).to.throw(TypeError, /"allowedOrigins\[0\]"/)
    expect(() => assertOriginRule('allowedOrigins', ['https://a.example', 'https://b.example/path'])).to.throw(TypeError, /"allowedOrigins\[1\]"/)
    expect(() => assertOriginRule('allowedOrigins', ['*'])).to.throw(TypeError, /"allowedOrigins\[0\]"/)
    expect(() => assertOriginRule('allowedOrigins', ['null'])).to.throw(TypeError, /"allowedOrigins\[0\]"/)
  })
})
