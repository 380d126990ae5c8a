import { expect } from 'chai'
import type { IncomingMessage } from 'node:http'
import type { AuthContext } from '@hivegate/core'
import { identityHeaderValues, removeSpoofedHeaders, resolveIdentityHeaders } from '../src/identity.js'
import { removeCookie, removeQueryParameter, resolveStripCredentials, stripCredentials } from '../src/credentials.js'
import { forwardCloseCode, closeReason, isSendableCloseCode } from '../src/close-codes.js'
import { upstreamFailure } from '../src/upstream-errors.js'
import { upstreamWebSocketUrl } from '../src/upstream-request.js'

const auth = { subject: 'jöhn', tenant: 't1', claims: { sub: 'jöhn', tnd: 't1' } } as unknown as AuthContext

describe('identity headers', () => {
  it('defaults, renames, switches off, and reserves every x-hivegate-* name', () => {
    const names = resolveIdentityHeaders({ tenant: 'X-Tenant', claims: false })
    expect([names.subject, names.tenant, names.claims]).to.deep.equal(['x-hivegate-sub', 'x-tenant', undefined])
    expect(names.isReserved('X-TENANT')).to.equal(true)
    expect(names.isReserved('x-hivegate-claims')).to.equal(true)
    expect(names.isReserved('X-Hivegate-Whatever')).to.equal(true)
    expect(names.isReserved('x-other')).to.equal(false)
  })

  it('reserves the "_" spellings too, which CGI, WSGI and PHP upstreams read as "-"', () => {
    const names = resolveIdentityHeaders({ tenant: 'X-Tenant' })
    for (const name of ['x_hivegate_sub', 'X_Hivegate-Claims', 'x-hivegate_anything', 'x_tenant']) expect(names.isReserved(name), name).to.equal(true)
    expect(names.isReserved('x_other')).to.equal(false)
  })

  it('removes reserved headers from headers and rawHeaders', () => {
    const req = {
      headers: { 'x-hivegate-sub': 'a, b', host: 'h', 'x-tenant': 'z' },
      rawHeaders: ['Host', 'h', 'X-Hivegate-Sub', 'a', 'x-HIVEGATE-sub', 'b', 'X-Tenant', 'z'],
    } as unknown as IncomingMessage
    removeSpoofedHeaders(req, resolveIdentityHeaders({ tenant: 'x-tenant' }))
    expect(req.headers).to.deep.equal({ host: 'h' })
    expect(req.rawHeaders).to.deep.equal(['Host', 'h'])
  })

  it('encodes values safely: non-ASCII percent-encoded, claims as base64url JSON', () => {
    const values = identityHeaderValues(auth, resolveIdentityHeaders(undefined))
    expect(values['x-hivegate-sub']).to.equal('j%C3%B6hn')
    expect(JSON.parse(Buffer.from(values['x-hivegate-claims']!, 'base64url').toString())).to.deep.equal({ sub: 'jöhn', tnd: 't1' })
  })

  it('validates names', () => {
    expect(() => resolveIdentityHeaders({ subject: 'a b' })).to.throw(TypeError, '"identityHeaders.subject"')
    expect(() => resolveIdentityHeaders('x' as never)).to.throw(TypeError, '"identityHeaders"')
  })
})

describe('credential stripping', () => {
  it('removes only the named cookie, every occurrence', () => {
    expect(removeCookie('a=1; hg_token=x; b=2; hg_token=y', 'hg_token')).to.equal('a=1; b=2')
    expect(removeCookie('hg_token=x', 'hg_token')).to.equal(undefined)
    expect(removeCookie('hg_tokenx=1', 'hg_token')).to.equal('hg_tokenx=1')
  })

  it('removes the token query parameter, keeping the others as sent', () => {
    expect(removeQueryParameter('/a?x=1&token=t&y=%20&token=u', 'token')).to.equal('/a?x=1&y=%20')
    expect(removeQueryParameter('/a?token=t', 'token')).to.equal('/a')
    expect(removeQueryParameter('/a?to%6Ben=t&tokens=1', 'token')).to.equal('/a?tokens=1')
    expect(removeQueryParameter('/a', 'token')).to.equal('/a')
  })

  it('applies the chosen parts', () => {
    const headers = { authorization: 'Bearer t', cookie: 'hg_token=t; a=1' }
    stripCredentials(headers, resolveStripCredentials({ cookie: true }), 'hg_token')
    expect(headers).to.deep.equal({ authorization: 'Bearer t', cookie: 'a=1' })
    stripCredentials(headers, resolveStripCredentials(true), 'hg_token')
    expect(headers).to.deep.equal({ cookie: 'a=1' })
    expect(() => resolveStripCredentials('yes' as never)).to.throw(TypeError, '"stripCredentials"')
  })
})

describe('close codes and upstream failures', () => {
  it('forwards sendable codes and maps the reserved ones', () => {
    expect(forwardCloseCode(4321, 1014)).to.equal(4321)
    expect(forwardCloseCode(1000, 1014)).to.equal(1000)
    expect(forwardCloseCode(1005, 1014)).to.equal(1000)
    expect(forwardCloseCode(1006, 1014)).to.equal(1014)
    expect(forwardCloseCode(1015, 1001)).to.equal(1001)
    expect(isSendableCloseCode(1004)).to.equal(false)
    expect(Buffer.byteLength(closeReason('é'.repeat(100)))).to.be.at.most(123)
  })

  it('maps timeouts to 504 and everything else to 502, never echoing the error', () => {
    expect(upstreamFailure({ code: 'HIVEGATE_UPSTREAM_TIMEOUT' }).status).to.equal(504)
    expect(upstreamFailure({ code: 'ECONNREFUSED' }).status).to.equal(502)
    expect(upstreamFailure(undefined).status).to.equal(502)
  })

  it('builds the upstream WebSocket URL like the HTTP one', () => {
    expect(upstreamWebSocketUrl(new URL('https://up.example/base/'), '/live?x=1')).to.equal('wss://up.example/base/live?x=1')
    expect(upstreamWebSocketUrl(new URL('http://127.0.0.1:4000'), '/live')).to.equal('ws://127.0.0.1:4000/live')
  })
})
