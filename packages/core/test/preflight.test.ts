import { expect } from 'chai'
import { isPreflight } from '@hivegate/core'

describe('isPreflight', () => {
  const preflightHeaders = { origin: 'https://app.example', 'access-control-request-method': 'POST' }

  it('is true for OPTIONS with Origin and Access-Control-Request-Method', () => {
    expect(isPreflight({ method: 'OPTIONS', headers: preflightHeaders })).to.equal(true)
  })

  it('is false for another method, or without either header', () => {
    expect(isPreflight({ method: 'POST', headers: preflightHeaders })).to.equal(false)
    expect(isPreflight({ method: 'OPTIONS', headers: { origin: 'https://app.example' } })).to.equal(false)
    expect(isPreflight({ method: 'OPTIONS', headers: { 'access-control-request-method': 'POST' } })).to.equal(false)
    expect(isPreflight({ headers: preflightHeaders })).to.equal(false)
  })

  it('is false when a header is repeated into an array', () => {
    expect(isPreflight({ method: 'OPTIONS', headers: { ...preflightHeaders, origin: ['a', 'b'] } })).to.equal(false)
  })
})
