import { expect } from 'chai'
import { connected, refused, startIo, type Fixture } from './fixture.js'

describe('handshake', () => {
  let f: Fixture
  beforeEach(async () => (f = await startIo()))
  afterEach(() => f.stop())

  it('reads handshake.auth.token and puts the AuthContext in socket.data.auth', async () => {
    await connected(f.client({ auth: { token: await f.token() } }))
    const auth = f.sockets[0]!.data.auth
    expect(auth).to.include({ source: 'handshake', subject: 'johndoe', tenant: 'tenant-1' })
    expect(f.socketAuth.authOf(f.sockets[0]!)).to.equal(auth)
  })

  it('reads the Authorization: Bearer header', async () => {
    await connected(f.client({ extraHeaders: { authorization: `Bearer ${await f.token()}` } }))
    expect(f.sockets[0]!.data.auth.source).to.equal('bearer')
  })

  it('reads the cookie from the same origin', async () => {
    await connected(f.client({ extraHeaders: { cookie: `hg_token=${await f.token()}`, origin: f.url } }))
    expect(f.sockets[0]!.data.auth.source).to.equal('cookie')
  })

  it('refuses the cookie from another origin, or with no Origin at all, with origin_not_allowed', async () => {
    const token = await f.token()
    const foreign = await refused(f.client({ extraHeaders: { cookie: `hg_token=${token}`, origin: 'https://evil.example' } }))
    expect(foreign.data).to.deep.equal({ error: 'origin_not_allowed', error_description: 'Cross-origin requests authenticated by cookie are not allowed' })
    const none = await refused(f.client({ extraHeaders: { cookie: `hg_token=${token}` } }))
    expect(none.data!.error).to.equal('origin_not_allowed')
    expect(f.sockets).to.have.length(0)
  })

  it('lets the first carrier decide: an invalid handshake token fails even beside a valid Bearer header', async () => {
    const token = await f.token()
    const err = await refused(f.client({ auth: { token: `${token}x` }, extraHeaders: { authorization: `Bearer ${token}` } }))
    expect(err.data!.error).to.equal('invalid_token')
  })

  it('fails an invalid token with connect_error whose data is the RFC 6750-style body, never the token', async () => {
    const bad = `${await f.token()}x`
    const err = await refused(f.client({ auth: { token: bad } }))
    expect(err.message).to.equal('The token signature is invalid')
    expect(err.data).to.deep.equal({ error: 'invalid_token', error_description: 'The token signature is invalid' })
    expect(JSON.stringify(err.data)).not.to.include(bad.slice(0, 20))
  })

  it('fails an expired token with token_expired', async () => {
    const now = Math.floor(f.clock.now() / 1000)
    const err = await refused(f.client({ auth: { token: await f.token({ iat: now - 7200, exp: now - 3600 }) } }))
    expect(err.data!.error).to.equal('token_expired')
  })

  it('fails a revoked token with token_revoked', async () => {
    f.revocations.revoke('gone')
    const err = await refused(f.client({ auth: { token: await f.token({ jti: 'gone' }) } }))
    expect(err.data!.error).to.equal('token_revoked')
  })

  it('fails a handshake without a token with credentials_required when quarantine is off', async () => {
    const err = await refused(f.client())
    expect(err.data).to.deep.equal({ error: 'credentials_required', error_description: 'Authentication is required' })
    const nulled = await refused(f.client({ auth: { token: null } }))
    expect(nulled.data!.error).to.equal('credentials_required')
  })
})
