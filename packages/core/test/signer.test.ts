import { expect } from 'chai'
import { decodeProtectedHeader, jwtVerify } from 'jose'
import { createSecretKey, generateKeyPairSync } from 'node:crypto'
import { keyPair, secret, type AsymmetricAlg } from '../../../test/helpers/keys.js'
import { createManualClock } from '../src/clock.js'
import { createSigner } from '../src/signer.js'
import { createVerifier } from '../src/verifier.js'
import type { Algorithm } from '../src/keys/algorithms.js'

const NOW = Date.parse('2030-01-01T00:00:00Z')

function payload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>
}

describe('createSigner', () => {
  const key = secret()
  const clock = createManualClock(NOW)

  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    it(`signs ${alg} tokens that jose and the verifier accept`, async () => {
      const token = createSigner({ alg, kid: 'kid-1', secret: key, issuer: 'iss', audience: 'aud', clock }).sign({ sub: 'u', tnd: 't' })
      const { payload: verified } = await jwtVerify(token, key, { issuer: 'iss', audience: 'aud', currentDate: new Date(NOW), algorithms: [alg] })
      expect(verified.sub).to.equal('u')
      const auth = createVerifier({ issuer: 'iss', audience: 'aud', keys: { secrets: { 'kid-1': key } }, clock }).verifySync(token)
      expect(auth.tenant).to.equal('t')
    })
  }
  const asymmetric: AsymmetricAlg[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']
  for (const alg of asymmetric) {
    it(`signs ${alg} tokens that jose and the verifier accept`, async () => {
      const pair = keyPair(alg)
      const token = createSigner({ alg, kid: pair.kid, privateKey: pair.privateKey, issuer: 'iss', clock }).sign({ sub: 'u' })
      expect(decodeProtectedHeader(token)).to.deep.equal({ alg, typ: 'JWT', kid: pair.kid })
      await jwtVerify(token, pair.publicKey, { issuer: 'iss', currentDate: new Date(NOW), algorithms: [alg] })
      const verifier = createVerifier({ issuer: 'iss', keys: { publicKeys: { [pair.kid]: pair.publicPem } }, clock })
      expect(verifier.verifySync(token).subject).to.equal('u')
    })
  }

  it('picks the algorithm from the key when none is given', () => {
    expect(createSigner({ secret: key }).alg).to.equal('HS256')
    expect(createSigner({ privateKey: keyPair('RS256').privateKey }).alg).to.equal('RS256')
    expect(createSigner({ privateKey: keyPair('ES384').privateKey }).alg).to.equal('ES384')
    expect(createSigner({ privateKey: keyPair('EdDSA').privateKey }).alg).to.equal('EdDSA')
    const pem = keyPair('ES512').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
    expect(createSigner({ privateKey: pem }).alg).to.equal('ES512')
    expect(createSigner({ privateKey: keyPair('ES256').privateKey.export({ format: 'jwk' }) as Record<string, unknown> }).alg).to.equal('ES256')
  })

  it('sets iat from the clock, exp from ttl (1h by default), and a fresh jti', () => {
    const signer = createSigner({ secret: key, clock })
    const a = payload(signer.sign())
    const b = payload(signer.sign())
    expect(a.iat).to.equal(NOW / 1000)
    expect(a.exp).to.equal(NOW / 1000 + 3600)
    expect(a.jti).to.match(/^[0-9a-f-]{36}$/)
    expect(b.jti).not.to.equal(a.jti)
    expect(payload(createSigner({ secret: key, clock, ttl: '30d' }).sign()).exp).to.equal(NOW / 1000 + 30 * 86400)
    expect(payload(createSigner({ secret: key, clock, ttl: 'never' }).sign())).not.to.have.property('exp')
  })

  it('takes per-token ttl and jti overrides, and explicit claims over defaults', () => {
    const signer = createSigner({ secret: key, clock, issuer: 'iss', audience: ['a', 'b'] })
    const p = payload(signer.sign({ aud: 'c', per: { london: { '*': 'R' } } }, { ttl: 60, jti: 'static-1' }))
    expect(p).to.deep.include({ iss: 'iss', aud: 'c', exp: NOW / 1000 + 60, jti: 'static-1', per: { london: { '*': 'R' } } })
    expect(payload(signer.sign({ jti: 'claim-jti' }))).to.have.property('jti', 'claim-jti')
    expect(payload(signer.sign({}, { ttl: 'never' }))).not.to.have.property('exp')
  })

  it('validates its options, naming them, without echoing key material', () => {
    const rsa = keyPair('RS256')
    expect(() => createSigner({ secret: Buffer.alloc(31) })).to.throw(RangeError, /"secret"/)
    expect(() => createSigner({ secret: 'short' })).to.throw(RangeError, /"secret"/)
    expect(() => createSigner({ secret: createSecretKey(Buffer.alloc(16)) })).to.throw(RangeError, /"secret"/)
    expect(() => createSigner({} as never)).to.throw(TypeError, /"secret" and "privateKey"/)
    expect(() => createSigner({ secret: key, privateKey: rsa.privateKey })).to.throw(TypeError, /"secret" and "privateKey"/)
    expect(() => createSigner({ alg: 'RS256', secret: key })).to.throw(TypeError, /"alg"/)
    expect(() => createSigner({ alg: 'HS256', privateKey: rsa.privateKey })).to.throw(TypeError, /"alg"/)
    expect(() => createSigner({ alg: 'ES256', privateKey: keyPair('ES384').privateKey })).to.throw(TypeError, /"alg"/)
    expect(() => createSigner({ alg: 'none' as Algorithm, secret: key })).to.throw(RangeError, /"alg"/)
    expect(() => createSigner({ privateKey: rsa.publicKey })).to.throw(TypeError, /"privateKey"/)
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 })
    expect(() => createSigner({ privateKey: small.privateKey })).to.throw(RangeError, /"privateKey"/)
    const broken = '-----BEGIN PRIVATE KEY-----\nMIIsecretmaterial\n-----END PRIVATE KEY-----'
    expect(() => createSigner({ privateKey: broken })).to.throw(TypeError).that.satisfies((e: Error) => !e.message.includes('secretmaterial'))
    expect(() => createSigner({ secret: key, ttl: '1 hour' })).to.throw(RangeError, /"ttl"/)
    expect(() => createSigner({ secret: key, ttl: 0 })).to.throw(RangeError, /"ttl"/)
    expect(() => createSigner({ secret: key, kid: '' })).to.throw(TypeError, /"kid"/)
    expect(() => createSigner({ secret: key, issuer: 5 as never })).to.throw(TypeError, /"issuer"/)
    expect(() => createSigner({ secret: key, audience: [5] as never })).to.throw(TypeError, /"audience"/)
    expect(() => createSigner({ secret: key, clock: {} as never })).to.throw(TypeError, /"clock"/)
  })

  it('refuses claims it could not sign as valid JSON dates', () => {
    const signer = createSigner({ secret: key })
    expect(() => signer.sign([] as never)).to.throw(TypeError, /"claims"/)
    expect(() => signer.sign({ exp: Infinity })).to.throw(RangeError, /"exp"/)
    expect(() => signer.sign({ nbf: -1 })).to.throw(RangeError, /"nbf"/)
    expect(() => signer.sign({}, { jti: '' })).to.throw(TypeError, /"jti"/)
  })
})
