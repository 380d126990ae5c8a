import { expect } from 'chai'
import { AuthError } from '@hivegate/core'

describe('AuthError challenge parameters and Retry-After', () => {
  it('appends challenge auth-params after error_description (RFC 9470 §3)', () => {
    const err = new AuthError('insufficient_user_authentication', 'More recent authentication is required', {
      challenge: { acr_values: 'urn:mace:incommon:iap:silver mfa', max_age: '300' },
    })
    err.realm = 'api'
    expect(err.status).to.equal(401)
    expect(err.wwwAuthenticate).to.equal(
      'Bearer realm="api", error="insufficient_user_authentication", error_description="More recent authentication is required", acr_values="urn:mace:incommon:iap:silver mfa", max_age="300"',
    )
    expect(err.toJSON()).to.deep.equal({ error: 'insufficient_user_authentication', error_description: 'More recent authentication is required' })
  })

  it('keeps the step-up parameters on a DPoP challenge (RFC 9449 §7.1)', () => {
    const err = new AuthError('insufficient_user_authentication', 'A stronger authentication is required', { challenge: { acr_values: 'urn:example:mfa' } })
    err.dpop = { algs: 'ES256', bearer: false, scheme: 'dpop' }
    expect(err.wwwAuthenticate).to.equal(
      'DPoP error="insufficient_user_authentication", error_description="A stronger authentication is required", acr_values="urn:example:mfa", algs="ES256"',
    )
  })

  it('drops quotes, backslashes and control characters from challenge values', () => {
    const err = new AuthError('insufficient_user_authentication', undefined, { challenge: { acr_values: 'a"b\\c\r\nd' } })
    expect(err.wwwAuthenticate).to.match(/acr_values="abcd"$/)
  })

  it('sends Retry-After in seconds and no challenge for 429', () => {
    const err = new AuthError('too_many_failures', undefined, { retryAfter: 42 })
    expect(err.status).to.equal(429)
    expect(err.headers).to.deep.equal({ 'Cache-Control': 'no-store', 'Retry-After': '42' })
    expect(new AuthError('invalid_token').headers).to.not.have.property('Retry-After')
  })
})
