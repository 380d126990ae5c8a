import { expect } from 'chai'
import { AuthError } from '@hivegate/core'
import { LOGIN_ERROR_CODES, LoginError, isLoginError } from '@hivegate/oauth'

describe('LoginError', () => {
  it('renders like an AuthError: status, statusCode, expose, headers with no-store, toJSON', () => {
    const err = new LoginError('state_mismatch')
    const auth = new AuthError('invalid_token')
    for (const key of ['status', 'statusCode', 'expose', 'headers', 'code', 'message']) expect(err).to.have.property(key)
    expect(err.status).to.equal(400)
    expect(err.statusCode).to.equal(400)
    expect(err.expose).to.equal(auth.expose)
    expect(err.headers).to.deep.equal({ 'Cache-Control': 'no-store' })
    expect(auth.headers['Cache-Control']).to.equal(err.headers['Cache-Control'])
    expect(new LoginError('method_not_allowed').headers).to.deep.equal({ 'Cache-Control': 'no-store', Allow: 'GET, POST' })
    expect(err.toJSON()).to.deep.equal({ error: 'state_mismatch', error_description: err.message })
  })

  it('isLoginError matches on own codes only, never on an inherited name', () => {
    expect(LOGIN_ERROR_CODES).to.include('server_error')
    expect(isLoginError(new LoginError('server_error'))).to.equal(true)
    expect(isLoginError({ name: 'LoginError', code: 'toString' })).to.equal(false)
    expect(isLoginError({ name: 'LoginError', code: '__proto__' })).to.equal(false)
    expect(isLoginError(new AuthError('invalid_token'))).to.equal(false)
  })
})
