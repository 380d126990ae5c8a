import { expect } from 'chai'
import { calculateJwkThumbprint } from 'jose'
import { keyPair } from '../../../../test/helpers/keys.js'
import { proofKeyOf } from '../../src/dpop/jwk.js'
import { ALGORITHM_SPECS } from '../../src/signature.js'

describe('DPoP proof keys', () => {
  for (const alg of ['ES256', 'ES384', 'ES512', 'RS256', 'PS512', 'EdDSA'] as const) {
    it(`${alg}: the RFC 7638 thumbprint equals jose's calculateJwkThumbprint`, async () => {
      const jwk = keyPair(alg, 'thumb').publicKey.export({ format: 'jwk' })
      const found = proofKeyOf({ ...jwk, use: 'sig', extra: 1 }, ALGORITHM_SPECS[alg])
      expect(found.thumbprint).to.equal(await calculateJwkThumbprint(jwk as never, 'sha256'))
    })
  }

  it('refuses an RSA key under 2048 bits', async () => {
    const { generateKeyPairSync } = await import('node:crypto')
    const jwk = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' })
    expect(() => proofKeyOf(jwk, ALGORITHM_SPECS.RS256)).to.throw(/fit its algorithm/)
  })

  it('refuses a key on the wrong curve, and members that are not base64url', () => {
    const jwk = keyPair('ES384', 'thumb').publicKey.export({ format: 'jwk' })
    expect(() => proofKeyOf(jwk, ALGORITHM_SPECS.ES256)).to.throw(/fit its algorithm/)
    expect(() => proofKeyOf({ ...jwk, x: 'not base64url!' }, ALGORITHM_SPECS.ES384)).to.throw(/malformed/)
  })
})
