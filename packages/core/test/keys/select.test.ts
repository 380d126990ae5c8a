import { expect } from 'chai'
import { createSecretKey } from 'node:crypto'
import { AuthError } from '../../src/errors.js'
import type { KeyLookup, VerificationKey } from '../../src/keys/options.js'
import { keyPair, secret } from '../../../../test/helpers/keys.js'
import { refusal, selectSync, store } from './support.js'

describe('keys: selecting the keys for a token', () => {
  const rsa = keyPair('RS256')
  const es = keyPair('ES256')

  describe('algorithms', () => {
    it('defaults the allowlist to what the configured keys can verify', async () => {
      const s = store({ keys: { secrets: { h: secret() }, publicKeys: { e: es.publicPem } } })
      expect([...s.algorithms].sort()).to.deep.equal(['ES256', 'HS256', 'HS384', 'HS512'])
      await refusal(() => s.select({ alg: 'RS256', kid: 'e' }, {}))
    })

    it('never accepts "none" in any casing, nor a non-string alg', async () => {
      const s = store({ keys: { secrets: { h: secret() } } })
      for (const alg of ['none', 'NONE', 'None', 'nOnE', '', 'HS256 ', 'hs256', 123, null, {}, ['HS256'], undefined]) {
        const err = await refusal(() => s.select({ alg: alg as string, kid: 'h' }, {}))
        expect(err.message).to.equal("The token's algorithm is not allowed")
      }
    })

    it('narrows to the allowlist given', async () => {
      const s = store({ keys: { secrets: { h: secret() } }, algorithms: ['HS256', 'RS256'] })
      expect([...s.algorithms]).to.deep.equal(['HS256'])
      expect(selectSync(s, { alg: 'HS256', kid: 'h' })[0]!.algorithms).to.deep.equal(['HS256'])
      await refusal(() => s.select({ alg: 'HS512', kid: 'h' }, {}))
    })

    it('never lets an HMAC secret verify an asymmetric token, nor a public key an HMAC token', async () => {
      const s = store({ keys: { secrets: { h: secret() }, publicKeys: { r: rsa.publicPem, j: rsa.publicJwk } } })
      for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA']) {
        await refusal(() => s.select({ alg, kid: 'h' }, {}))
      }
      for (const kid of ['r', 'j']) {
        for (const alg of ['HS256', 'HS384', 'HS512']) {
          const err = await refusal(() => s.select({ alg, kid }, {}))
          expect(err.message).to.equal("The token's algorithm is not allowed for its key")
        }
      }
    })
  })

  describe('kid', () => {
    it('selects the key named by kid', () => {
      const a = secret()
      const b = secret()
      const s = store({ keys: { secrets: { a, b } } })
      const [key] = selectSync(s, { alg: 'HS256', kid: 'b' })
      expect(key!.kid).to.equal('b')
      expect(key!.key.export().equals(b)).to.equal(true)
    })

    it('refuses an unknown kid', async () => {
      const s = store({ keys: { secrets: { a: secret() } } })
      const err = await refusal(() => s.select({ alg: 'HS256', kid: 'b' }, {}))
      expect(err.message).to.equal('The token is signed with an unknown key')
    })

    it('refuses odd kids without crashing or matching prototype properties', async () => {
      const s = store({ keys: { secrets: { a: secret() }, localJwks: { keys: [rsa.publicJwk] } } })
      const odd: unknown[] = [
        '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '', 'a'.repeat(100_000),
        123, 0, null, {}, [], ['a'], true, { toString: () => 'a' },
      ]
      for (const kid of odd) {
        for (const alg of ['HS256', 'RS256']) await refusal(() => s.select({ alg, kid: kid as string }, {}))
      }
    })

    it('accepts a token without kid only where exactly one key applies for its alg', async () => {
      const one = store({ keys: { secrets: { a: secret() }, publicKeys: { r: rsa.publicPem } } })
      expect(selectSync(one, { alg: 'HS256' })[0]!.kid).to.equal('a')
      expect(selectSync(one, { alg: 'RS256' })[0]!.kid).to.equal('r')
      const two = store({ keys: { secrets: { a: secret(), b: secret() }, publicKeys: { r: rsa.publicPem } } })
      const err = await refusal(() => two.select({ alg: 'HS256' }, {}))
      expect(err.message).to.equal('The token has no kid and more than one key could verify it')
      expect(selectSync(two, { alg: 'PS512' })[0]!.kid).to.equal('r')
      const jwksWithoutKid = store({ keys: { localJwks: { keys: [{ ...es.publicJwk, kid: undefined }] } } })
      expect(selectSync(jwksWithoutKid, { alg: 'ES256' })[0]!.key.equals(es.publicKey)).to.equal(true)
      await refusal(() => jwksWithoutKid.select({ alg: 'ES256', kid: es.kid }, {}))
    })
  })

  describe('issuers', () => {
    const aSecret = secret()
    const s = store({
      issuers: {
        'a.example': { secrets: { 'kid-1': aSecret } },
        'b.example': { publicKeys: { 'kid-1': rsa.publicPem, 'kid-2': es.publicJwk } },
      },
    })

    it("picks the key set by the token's iss", () => {
      expect(selectSync(s, { alg: 'HS256', kid: 'kid-1' }, { iss: 'a.example' })[0]!.key.export().equals(aSecret)).to.equal(true)
      expect(selectSync(s, { alg: 'RS256', kid: 'kid-1' }, { iss: 'b.example' })[0]!.key.equals(rsa.publicKey)).to.equal(true)
      expect([...s.algorithms]).to.include.members(['HS256', 'RS256', 'ES256'])
    })

    it("never uses another issuer's keys", async () => {
      await refusal(() => s.select({ alg: 'RS256', kid: 'kid-1' }, { iss: 'a.example' }))
      await refusal(() => s.select({ alg: 'HS256', kid: 'kid-1' }, { iss: 'b.example' }))
      await refusal(() => s.select({ alg: 'ES256', kid: 'kid-2' }, { iss: 'a.example' }))
    })

    it('refuses an unknown, missing or odd iss', async () => {
      for (const iss of ['c.example', undefined, '', '__proto__', 'constructor', 42, ['a.example'], { toString: () => 'a.example' }]) {
        const err = await refusal(() => s.select({ alg: 'HS256', kid: 'kid-1' }, { iss: iss as string }))
        expect(err.message).to.equal("The token's issuer is not accepted")
      }
      for (const claims of [null, 42, 'a.example']) {
        await refusal(() => s.select({ alg: 'HS256', kid: 'kid-1' }, claims as never))
      }
    })

    it('with "keys", refuses an iss other than "issuer" before any key work', async () => {
      const lookups: unknown[] = []
      const one = store({ issuer: ['x.example', 'y.example'], keys: { lookup: (h) => void lookups.push(h) } })
      await refusal(() => one.select({ alg: 'HS256', kid: 'k' }, { iss: 'z.example' }))
      await refusal(() => one.select({ alg: 'HS256', kid: 'k' }, {}))
      expect(lookups).to.have.length(0)
      await refusal(() => one.select({ alg: 'HS256', kid: 'k' }, { iss: 'y.example' }))
      expect(lookups).to.have.length(1)
    })
  })

  describe('lookup function', () => {
    const found = (kid: string, algorithms: VerificationKey['algorithms'], key = createSecretKey(secret())): VerificationKey => ({ kid, key, algorithms })

    it('is tried only when the configured keys know nothing of the kid', async () => {
      const calls: string[] = []
      const looked = found('remote', ['HS256'])
      const s = store({
        keys: { secrets: { local: secret() }, lookup: (h) => (calls.push(String(h.kid)), h.kid === 'remote' ? looked : undefined) },
      })
      expect(selectSync(s, { alg: 'HS256', kid: 'local' })[0]!.kid).to.equal('local')
      await refusal(() => s.select({ alg: 'RS256', kid: 'local' }, {}))
      expect(calls).to.deep.equal([])
      const keys = await s.select({ alg: 'HS256', kid: 'remote' }, {})
      expect(keys).to.have.length(1)
      expect(keys[0]!.key).to.equal(looked.key)
      await refusal(() => s.select({ alg: 'HS256', kid: 'none-such' }, {}))
      expect(calls).to.deep.equal(['remote', 'none-such'])
      expect([...s.algorithms]).to.have.length(13)
    })

    it('drops results whose key type does not match every algorithm they claim', async () => {
      const cases: Array<[VerificationKey | unknown, string]> = [
        [found('k', ['RS256']), 'RS256'],
        [found('k', ['HS256', 'RS256']), 'HS256'],
        [{ kid: 'k', key: rsa.publicKey, algorithms: ['HS256'] }, 'HS256'],
        [{ kid: 'k', key: es.publicKey, algorithms: ['ES384'] }, 'ES384'],
        [found('k', ['HS256'], createSecretKey(secret(16))), 'HS256'],
        [{ kid: 'k', key: rsa.publicPem, algorithms: ['RS256'] }, 'RS256'],
        [{ kid: 'k', key: rsa.publicKey, algorithms: ['none'] }, 'RS256'],
        [{ kid: 'k', key: rsa.publicKey, algorithms: [] }, 'RS256'],
        [{ kid: 7, key: rsa.publicKey, algorithms: ['RS256'] }, 'RS256'],
        [found('other-kid', ['HS256']), 'HS256'],
        [found('k', ['HS512']), 'HS256'],
        ['not a key', 'HS256'],
      ]
      for (const [result, alg] of cases) {
        const s = store({ keys: { lookup: () => result as VerificationKey } })
        await refusal(() => s.select({ alg, kid: 'k' }, {}))
      }
    })

    it('keeps the sound results, reduces private keys, and applies the allowlist', async () => {
      const s = store({
        keys: { lookup: () => [found('k', ['HS256']), { kid: 'k', key: es.privateKey, algorithms: ['ES256'] }, found('k', ['RS256'])] },
        algorithms: ['ES256', 'HS256'],
      })
      const [ec] = await s.select({ alg: 'ES256', kid: 'k' }, {})
      expect(ec!.key.type).to.equal('public')
      expect(ec!.key.equals(es.publicKey)).to.equal(true)
      expect(await s.select({ alg: 'HS256', kid: 'k' }, {})).to.have.length(1)
      await refusal(() => s.select({ alg: 'RS256', kid: 'k' }, {}))
    })

    it('needs exactly one result for a token without kid', async () => {
      const one = store({ keys: { lookup: () => [found('a', ['HS256'])] } })
      expect(await one.select({ alg: 'HS256' }, {})).to.have.length(1)
      const two = store({ keys: { lookup: () => [found('a', ['HS256']), found('b', ['HS256'])] } })
      await refusal(() => two.select({ alg: 'HS256' }, {}))
    })

    it('turns a throwing lookup into keys_unavailable, but passes its own AuthError through', async () => {
      const failing: KeyLookup = () => Promise.reject(new Error('database down'))
      const err = await refusal(() => store({ keys: { lookup: failing } }).select({ alg: 'HS256', kid: 'k' }, {}), 'keys_unavailable')
      expect(err.message).to.not.include('database')
      const own = new AuthError('token_revoked')
      const thrownOwn = await refusal(() => store({ keys: { lookup: () => { throw own } } }).select({ alg: 'HS256', kid: 'k' }, {}), 'token_revoked')
      expect(thrownOwn).to.equal(own)
    })
  })
})
