// What a peer controls before it is trusted: the handshake's auth object and its headers.
import { expect } from 'chai'
import { connected, refused, startIo, type Fixture } from './fixture.js'

describe('hostile handshakes', () => {
  let f: Fixture
  before(async () => (f = await startIo({ quarantine: true })))
  after(() => f.stop())

  it('refuses an oversize token with invalid_token before parsing it, and echoes none of it', async () => {
    const huge = `${'a'.repeat(100_000)}.${'b'.repeat(100_000)}.c`
    const err = await refused(f.client({ auth: { token: huge } }))
    expect(err.data).to.deep.equal({ error: 'invalid_token', error_description: 'The token is too long' })
    expect(err.message.length).to.be.below(100)
  })

  for (const [label, token] of [
    ['a number', 42],
    ['an object', { token: 'a.b.c' }],
    ['an array', ['a.b.c']],
    ['a boolean', true],
    ['an empty string', ''],
    ['not a compact JWS', 'Bearer a.b.c'],
  ] as const) {
    it(`refuses handshake.auth.token as ${label} with invalid_request`, async () => {
      const err = await refused(f.client({ auth: { token } as Record<string, unknown> }))
      expect(err.data!.error).to.equal('invalid_request')
    })
  }

  it('ignores other handshake.auth fields and inherited ones: a token-less socket is quarantined', async () => {
    const client = await connected(f.client({ auth: { user: 'admin', __proto__: { token: 'x' } } as Record<string, unknown> }))
    expect(client.connected).to.equal(true)
    expect(f.socketAuth.quarantined).to.be.greaterThan(0)
    client.disconnect()
  })

  it('refuses a malformed Authorization header with invalid_request', async () => {
    const err = await refused(f.client({ extraHeaders: { authorization: 'Bearer not a token' } }))
    expect(err.data!.error).to.equal('invalid_request')
  })

  it('still serves valid clients after all of that', async () => {
    const client = await connected(f.client({ auth: { token: await f.token() } }))
    expect(await client.emitWithAck('chat', 'ok')).to.include({ ok: true })
  })
})
