import { expect } from 'chai'
import { AUTH_ERROR_CODES, AuthError, isAuthError, type AuthErrorCode } from '@hivegate/core'

describe('AuthError', () => {
  const expected: Record<AuthErrorCode, [status: number, closeCode: number, rfc6750: string | undefined]> = {
    credentials_required: [401, 4401, undefined],
    invalid_request: [400, 4400, 'invalid_request'],
    invalid_token: [401, 4401, 'invalid_token'],
    token_expired: [401, 4401, 'invalid_token'],
    token_revoked: [401, 4401, 'invalid_token'],
    insufficient_permission: [403, 4403, 'insufficient_scope'],
    insufficient_user_authentication: [401, 4401, 'insufficient_user_authentication'],
    too_many_failures: [429, 4429, undefined],
    origin_not_allowed: [403, 4403, undefined],
    keys_unavailable: [503, 4503, undefined],
    server_busy: [503, 4503, undefined],
    invalid_dpop_proof: [401, 4401, undefined],
    use_dpop_nonce: [401, 4401, undefined],
  }

  it('lists every code once', () => {
    expect([...AUTH_ERROR_CODES].sort()).to.deep.equal(Object.keys(expected).sort())
  })

  for (const [code, [status, closeCode, rfc6750]] of Object.entries(expected) as [AuthErrorCode, (typeof expected)[AuthErrorCode]][]) {
    it(`${code}: status ${status}, close code ${closeCode}, renders itself for Express and Koa`, () => {
      const err = new AuthError(code)
      expect(err).to.be.instanceOf(Error)
      expect(err.name).to.equal('AuthError')
      expect(err.code).to.equal(code)
      expect(err.status).to.equal(status)
      expect(err.statusCode).to.equal(status)
      expect(err.closeCode).to.equal(closeCode)
      expect(err.expose).to.equal(true)
      expect(err.rfc6750Error).to.equal(rfc6750)
      expect(err.message).to.be.a('string').and.not.equal('')
      expect(err.toJSON()).to.deep.equal({ error: code, error_description: err.message })
    })
  }

  it('challenges without an error attribute when no credentials were sent (RFC 6750 §3.1)', () => {
    const err = new AuthError('credentials_required')
    expect(err.wwwAuthenticate).to.equal('Bearer')
    err.realm = 'api'
    expect(err.headers).to.deep.equal({ 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer realm="api"' })
  })

  it('names the RFC 6750 error and description for a bad token', () => {
    const err = new AuthError('token_expired')
    err.realm = 'api'
    expect(err.wwwAuthenticate).to.equal(
      'Bearer realm="api", error="invalid_token", error_description="The token has expired"',
    )
  })

  it('maps insufficient_permission to insufficient_scope', () => {
    expect(new AuthError('insufficient_permission').wwwAuthenticate).to.match(/error="insufficient_scope"/)
  })

  it('escapes quotes and backslashes in the realm (RFC 7235 quoted-pair), drops control characters', () => {
    const err = new AuthError('credentials_required')
    err.realm = 'my "api" \\ v2\r\nX-Injected: 1'
    expect(err.wwwAuthenticate).to.equal('Bearer realm="my \\"api\\" \\\\ v2X-Injected: 1"')
    err.realm = 'ünïcode\t'
    expect(err.wwwAuthenticate).to.equal('Bearer realm="ncode"')
  })

  it('keeps quotes, backslashes and control characters out of error_description (RFC 6750 §3)', () => {
    const err = new AuthError('invalid_token', 'bad "value" \\ here\r\nX-Injected: 1')
    err.realm = 'realm'
    const header = err.wwwAuthenticate!
    expect(header).to.equal('Bearer realm="realm", error="invalid_token", error_description="bad value  hereX-Injected: 1"')
    expect(header).to.not.match(/[\r\n]/)
  })

  it('marks every refusal no-store, so no cache keeps one or serves it to another client', () => {
    for (const code of AUTH_ERROR_CODES) expect(new AuthError(code).headers['Cache-Control'], code).to.equal('no-store')
  })

  it('sends no challenge for 503 codes', () => {
    expect(new AuthError('keys_unavailable').headers).to.deep.equal({ 'Cache-Control': 'no-store' })
    expect(new AuthError('server_busy').wwwAuthenticate).to.equal(undefined)
  })

  it('carries no stack frames: cheap to refuse a flood with, and nothing for a host to render', () => {
    const limit = Error.stackTraceLimit
    for (const code of AUTH_ERROR_CODES) expect(new AuthError(code).stack, code).to.not.match(/\n\s+at /)
    expect(Error.stackTraceLimit).to.equal(limit)
    expect(new Error('x').stack).to.match(/\n\s+at /)
  })

  it('keeps a cause for logs without putting it in the message or the body', () => {
    const cause = new Error('socket hang up')
    const err = new AuthError('keys_unavailable', undefined, { cause })
    expect(err.cause).to.equal(cause)
    expect(JSON.stringify(err.toJSON())).to.not.include('socket hang up')
  })
})

describe('isAuthError', () => {
  it('recognises AuthErrors by shape, across copies of the package', () => {
    expect(isAuthError(new AuthError('invalid_token'))).to.equal(true)
    expect(isAuthError({ name: 'AuthError', code: 'token_revoked' })).to.equal(true)
  })

  it('refuses anything else, including codes inherited from Object.prototype', () => {
    for (const value of [
      undefined,
      null,
      'AuthError',
      new Error('x'),
      { name: 'AuthError', code: 'no_such_code' },
      { name: 'AuthError', code: 'toString' },
      { name: 'AuthError', code: '__proto__' },
      { name: 'AuthError', code: 'hasOwnProperty' },
      { name: 'Error', code: 'invalid_token' },
    ]) {
      expect(isAuthError(value), String((value as { code?: unknown })?.code)).to.equal(false)
    }
  })
})
