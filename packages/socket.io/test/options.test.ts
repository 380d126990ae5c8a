import { expect } from 'chai'
import { createAuthenticator } from '@hivegate/core'
import { createSocketAuth, DEFAULT_LIMITS, requirePermission } from '@hivegate/socket.io'
import { TEST_ISSUER } from '../../../test/helpers/tokens.js'
import { connected, disconnectedWith, startIo, verifierOptions, type Fixture } from './fixture.js'

const base = { issuer: TEST_ISSUER, keys: { secrets: { 'kid-1': 'x'.repeat(32) } } }

describe('options', () => {
  it('has the @hivegate/ws defaults', () => {
    expect(DEFAULT_LIMITS).to.deep.equal({ quarantineTimeout: 10_000, maxAuthAttempts: 3, maxMessageSize: 16384, maxIgnoredMessages: 10, maxQuarantined: 10_000 })
  })

  it('refuses invalid options at construction, naming the option', () => {
    expect(() => createSocketAuth(null as never)).to.throw(TypeError, /"options"/)
    for (const key of Object.keys(DEFAULT_LIMITS)) {
      expect(() => createSocketAuth({ ...base, [key]: 0 }), key).to.throw(RangeError, new RegExp(`"${key}"`))
      expect(() => createSocketAuth({ ...base, [key]: '5' as never }), key).to.throw(TypeError, new RegExp(`"${key}"`))
    }
    expect(() => createSocketAuth({ ...base, quarantine: 'yes' as never })).to.throw(TypeError, /"quarantine"/)
    expect(() => createSocketAuth({ ...base, unlistedEvents: 'block' as never })).to.throw(TypeError, /"unlistedEvents"/)
    expect(() => createSocketAuth({ ...base, events: { chat: 'R' as never } })).to.throw(TypeError, /"events\["chat"\]"/)
    expect(() => createSocketAuth({ ...base, onTrusted: 1 as never })).to.throw(TypeError, /"onTrusted"/)
    expect(() => createSocketAuth({ ...base, authenticator: {} as never })).to.throw(TypeError, /"authenticator"/)
    expect(() => requirePermission('london', 'rides/*', 'X')).to.throw(TypeError, /"action"/)
  })

  it('refuses verifier and resolver options beside a ready authenticator', () => {
    const authenticator = createAuthenticator(base)
    expect(() => createSocketAuth({ authenticator, clockTolerance: 1 })).to.throw(TypeError, /"clockTolerance" cannot be used with "authenticator"/)
    expect(() => createSocketAuth({ authenticator, quarantine: true, maxQuarantined: 5 })).not.to.throw()
  })

  describe('a ready authenticator (shared with other adapters)', () => {
    let f: Fixture
    afterEach(() => f.stop())

    it('uses its verifier, clock and revocations, and quarantines a token-less socket although it is not optional', async () => {
      f = await startIo((clock, revocations) => ({ authenticator: createAuthenticator(verifierOptions(clock, revocations)), quarantine: true }))
      const client = await connected(f.client())
      expect(await client.emitWithAck('hivegate:auth', await f.token({ jti: 'shared' }))).to.include({ ok: true })
      const gone = disconnectedWith(client)
      f.revocations.revoke('shared')
      expect((await gone).error).to.include({ error: 'token_revoked' })
    })
  })
})
