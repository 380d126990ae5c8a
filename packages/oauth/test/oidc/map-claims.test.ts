import { expect } from 'chai'
import type { IDToken } from 'oauth4webapi'
import { mapSessionClaims } from '../../src/oidc/map-claims.js'
import { rejects } from '../../../../test/helpers/listen.js'

const ID_TOKEN = { iss: 'https://idp', sub: 'alice', aud: 'web', iat: 1, exp: 2, tenant: 'acme' } as unknown as IDToken
const context = { tokens: {} as never, request: {} as never }

describe('mapSessionClaims', () => {
  it('maps sub and the configured tenant by default', async () => {
    expect(await mapSessionClaims(ID_TOKEN, context, undefined, 'acme')).to.deep.equal({ sub: 'alice', tnd: 'acme' })
  })

  it('takes sub, tnd, per and dpv from the hook and drops claims the signer sets', async () => {
    const claims = await mapSessionClaims(
      ID_TOKEN,
      context,
      (t) => ({ sub: `idp|${t.sub}`, tnd: String(t.tenant), per: { london: { 'rides/*': 'R' } }, dpv: { london: ['rides/1'] }, exp: 9e9, iss: 'me' }),
      undefined,
    )
    expect(claims).to.deep.equal({ sub: 'idp|alice', tnd: 'acme', per: { london: { 'rides/*': 'R' } }, dpv: { london: ['rides/1'] } })
  })

  it('refuses the account when the hook returns nothing, throws, or returns a bad shape', async () => {
    for (const mapper of [
      () => null,
      () => undefined,
      () => { throw new Error('no') },
      () => ({ sub: 'alice' }),
      () => ({ sub: 1, tnd: 'acme' }),
      () => ({ sub: 'alice', tnd: 'acme', per: 'all' }),
      () => ({ sub: 'alice', tnd: 'acme', dpv: [] }),
      () => 'alice',
    ]) {
      const err = await rejects(mapSessionClaims(ID_TOKEN, context, mapper as never, undefined))
      expect(err, String(mapper)).to.include({ code: 'claims_rejected', status: 403 })
    }
  })
})
