import { expect } from 'chai'
import { hostileSetup, hostileTokens, hostileVerifierOptions, validToken, type HostileSetup, type HostileToken } from '../../../test/helpers/hostile.js'
import { rejects } from '../../../test/helpers/listen.js'
import { createManualClock } from '../src/clock.js'
import { AuthError } from '../src/errors.js'
import { createVerifier } from '../src/verifier.js'
import type { SyncVerifier } from '../src/verifier.js'

// Fragments of a hostile token that must never appear in what a client is told.
function echoes(description: string, token: string): string | undefined {
  const fragments = token.split('.').filter((part) => part.length >= 8)
  const decoded = token.split('.').map((part) => Buffer.from(part, 'base64url').toString('utf8'))
  for (const text of decoded) {
    for (const match of text.matchAll(/"(?:kid|alg|iss|aud|sub|jti|jku|x5u)":"([^"]{4,})"/g)) fragments.push(match[1]!)
  }
  return fragments.find((fragment) => description.includes(fragment))
}

describe('hostile tokens', () => {
  let setup: HostileSetup
  let list: HostileToken[]
  let verifier: SyncVerifier

  before(async () => {
    setup = hostileSetup()
    list = await hostileTokens(setup)
  })

  beforeEach(() => {
    verifier = createVerifier({ ...hostileVerifierOptions(setup), clock: createManualClock(setup.now * 1000) })
    verifier.revocations.revoke(setup.revokedJti)
  })

  it('accepts the valid control token', async () => {
    const auth = await verifier.verify(validToken(setup), 'bearer')
    expect(auth.subject).to.equal('johndoe')
    expect(auth.can('london', 'deliveryRiders/bob', 'R')).to.equal(true)
  })

  it('holds more than 100 named, distinct tokens', () => {
    expect(list.length).to.be.greaterThan(100)
    expect(new Set(list.map((t) => t.name)).size).to.equal(list.length)
  })

  it('refuses every one with its code, asynchronously and synchronously, echoing nothing', async () => {
    for (const hostile of list) {
      const err = await rejects(verifier.verify(hostile.token, 'bearer'))
      expect(err, hostile.name).to.be.instanceOf(AuthError)
      expect(err.code, hostile.name).to.equal(hostile.code)
      expect(echoes(err.message, hostile.token), hostile.name).to.equal(undefined)
      expect(String(err.wwwAuthenticate), hostile.name).not.to.include('\n')
      let sync: unknown
      try {
        verifier.verifySync(hostile.token, 'bearer')
      } catch (e) {
        sync = e
      }
      expect((sync as AuthError | undefined)?.code, `${hostile.name} (verifySync)`).to.equal(hostile.code)
    }
  })

  it('refuses them again on a second pass: failures are never cached', async () => {
    for (const hostile of list) {
      expect((await rejects(verifier.verify(hostile.token))).code, hostile.name).to.equal(hostile.code)
    }
  })

  it('answers random input with an AuthError, never another error', () => {
    let seed = 0x1234567
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
    const alphabets = ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.', '.=+/ \t\n{}"', '\u0000\u00ff\u0100\ud800\udfff\uffff.']
    const valid = validToken(setup)
    for (let i = 0; i < 3000; i++) {
      const chars = alphabets[i % 3]!
      let input = i % 5 === 0 ? valid.slice(0, Math.floor(random() * valid.length)) : ''
      const length = Math.floor(random() * 200)
      for (let j = 0; j < length; j++) input += chars.charAt(Math.floor(random() * chars.length))
      if (i % 7 === 0) input = `${valid.split('.')[0]}.${Buffer.from(input).toString('base64url')}.${valid.split('.')[2]}`
      try {
        verifier.verifySync(input)
      } catch (err) {
        expect(err, JSON.stringify(input)).to.be.instanceOf(AuthError)
        continue
      }
      expect.fail(`accepted ${JSON.stringify(input)}`)
    }
    for (const odd of [undefined, null, 42, {}, [], Symbol('x'), () => 'token', new String(valid)]) {
      expect(() => verifier.verifySync(odd as never)).to.throw(AuthError).with.property('code', 'invalid_request')
    }
  })

  it('refuses a 1 MiB token on the length alone, before any decoding', async () => {
    const oneMiB = list.find((t) => t.name === 'token of 1 MiB')!
    const err = await rejects(verifier.verify(oneMiB.token))
    expect(err.message).to.equal('The token is too long')
  })
})
