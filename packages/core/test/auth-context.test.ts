import { expect } from 'chai'
import { inspect } from 'node:util'
import { createAuthContext } from '../src/auth-context.js'
import { compilePermissions } from '../src/permissions.js'

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqb2huZG9lIn0.c2lnbmF0dXJl'

describe('createAuthContext', () => {
  const claims = {
    sub: 'johndoe',
    tnd: 'tenant-1',
    exp: 2_000_000_000,
    per: { london: { 'deliveryRiders/*': 'R' } },
    dpv: { london: ['deliveryRides/johndoe-123'] },
  }
  const auth = createAuthContext(TOKEN, 'bearer', claims, compilePermissions(claims))

  it('exposes token, source, claims, subject, tenant and expiresAt', () => {
    expect(auth.token).to.equal(TOKEN)
    expect(auth.source).to.equal('bearer')
    expect(auth.claims).to.equal(claims)
    expect(auth.subject).to.equal('johndoe')
    expect(auth.tenant).to.equal('tenant-1')
    expect(auth.expiresAt).to.equal(2_000_000_000_000)
  })

  it('answers can() and providesData() from the compiled permissions', () => {
    expect(auth.can('london', 'deliveryRiders/bob', 'R')).to.equal(true)
    expect(auth.can('london', 'deliveryRiders/bob', 'U')).to.equal(false)
    expect(auth.providesData('london', 'deliveryRides/johndoe-123')).to.equal(true)
    expect(auth.providesData('london', 'deliveryRides/other')).to.equal(false)
  })

  it('leaves subject, tenant and expiresAt undefined when the claims are absent or not the right type', () => {
    const odd = { sub: 42, tnd: ['t'], exp: '2000000000' } as unknown as Record<string, unknown>
    const ctx = createAuthContext(TOKEN, 'cookie', odd, compilePermissions({}))
    expect(ctx.subject).to.equal(undefined)
    expect(ctx.tenant).to.equal(undefined)
    expect(ctx.expiresAt).to.equal(undefined)
    expect(ctx.can('london', 'a', 'R')).to.equal(false)
  })

  it('keeps the token out of JSON, inspection and spread copies', () => {
    expect(JSON.stringify(auth)).not.to.contain(TOKEN)
    expect(JSON.parse(JSON.stringify(auth))).to.include({ source: 'bearer', subject: 'johndoe', tenant: 'tenant-1' })
    expect(inspect(auth, { depth: 10 })).not.to.contain(TOKEN)
    expect(inspect(auth)).to.contain('johndoe')
    expect(Object.values({ ...auth })).not.to.include(TOKEN)
  })

  it('shares methods through the prototype', () => {
    const other = createAuthContext(TOKEN, 'cookie', claims, compilePermissions(claims))
    expect(other.can).to.equal(auth.can)
    expect(Object.keys(auth)).not.to.include('can')
  })
})
