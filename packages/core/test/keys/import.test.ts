import { expect } from 'chai'
import { createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { createKeyStore } from '../../src/keys/index.js'
import { systemClock } from '../../src/clock.js'
import { keyPair, secret } from '../../../../test/helpers/keys.js'
import { refusal, selectSync, store, thrown } from './support.js'

// A self-signed P-256 certificate (public material only).
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBiDCCAS2gAwIBAgIUYQfclvGtoz65HE4X0Ag/cn3+KOcwCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNaGl2ZWdhdGUgdGVzdDAgFw0yNjExMjMxNjA5NTdaGA8yMTI2
MTAzMDE2MDk1N1owGDEWMBQGA1UEAwwNaGl2ZWdhdGUgdGVzdDBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABBJXFMCHNx/ha+4rIxTYVpKCtGgzFuP9eocngNMezvzb
D9UxutRtKbrswI3jdHpJh+ya8NHKKWvHulaADDBReTajUzBRMB0GA1UdDgQWBBTp
Wj9/5/VSHA55oeKvlxDUzNPYujAfBgNVHSMEGDAWgBTpWj9/5/VSHA55oeKvlxDU
zNPYujAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDxjEwb78jQ
gN6EaZjyILSM6YNfyAXe1Ip00cMlVS20dwIhALKvaprgz8T8zUkvrnsFD1jqwV5S
WRxPuTD1FK/lPCVL
-----END CERTIFICATE-----`

const algsOf = (s: ReturnType<typeof store>, header: Record<string, unknown>) => selectSync(s, header).map((k) => k.algorithms)

describe('keys: importing and binding', () => {
  describe('HMAC secrets', () => {
    it('accepts a 32-byte string, Uint8Array or secret KeyObject, bound to HS256/384/512 only', () => {
      const s = store({
        keys: { secrets: { a: 'x'.repeat(32), b: secret(32), c: createSecretKey(secret(48)) } },
      })
      for (const kid of ['a', 'b', 'c']) {
        for (const alg of ['HS256', 'HS384', 'HS512']) {
          const [key] = selectSync(s, { alg, kid })
          expect(key!.key.type).to.equal('secret')
          expect(key!.algorithms).to.deep.equal(['HS256', 'HS384', 'HS512'])
        }
      }
      expect([...s.algorithms]).to.deep.equal(['HS256', 'HS384', 'HS512'])
    })

    it('counts a string secret in UTF-8 bytes', () => {
      expect(() => store({ keys: { secrets: { k: 'é'.repeat(16) } } })).to.not.throw()
      expect(thrown(() => store({ keys: { secrets: { k: 'é'.repeat(15) + 'e' } } }))).to.be.instanceOf(RangeError)
    })

    it('refuses a secret under 32 bytes, naming the option', () => {
      for (const short of ['x'.repeat(31), secret(31), createSecretKey(secret(16)), '']) {
        const err = thrown(() => store({ keys: { secrets: { 'kid-1': short } } }))
        expect(err).to.be.instanceOf(RangeError)
        expect(err.message).to.equal('"keys.secrets.kid-1" must be at least 32 bytes')
      }
      const err = thrown(() => store({ issuers: { 'idp.example': { secrets: { k: 'short' } } } }))
      expect(err.message).to.equal('"issuers.idp.example.secrets.k" must be at least 32 bytes')
    })

    it('refuses public keys, PEM text, JWK text and other values as secrets', () => {
      const rsa = keyPair('RS256')
      for (const bad of [rsa.publicKey, rsa.privateKey, rsa.publicPem, `\n  ${rsa.publicPem}`, JSON.stringify(rsa.publicJwk), 42, null, {}]) {
        const err = thrown(() => store({ keys: { secrets: { k: bad as never } } }))
        expect(err).to.be.instanceOf(TypeError)
        expect(err.message).to.match(/^"keys\.secrets\.k" /)
        expect(err.message).to.not.include(rsa.publicPem.slice(30, 60))
      }
      expect(thrown(() => store({ keys: { secrets: 'x'.repeat(40) as never } })).message).to.include('"keys.secrets"')
    })

    it('refuses a public key as a secret in every form it is copied in, so nobody can forge HS256 with it', () => {
      const rsa = keyPair('RS256')
      const der = rsa.publicKey.export({ format: 'der', type: 'spki' })
      const pkcs1 = rsa.publicKey.export({ format: 'der', type: 'pkcs1' })
      const { e, n } = rsa.publicJwk
      const forms: Record<string, unknown> = {
        'PEM bytes (readFileSync)': Buffer.from(rsa.publicPem),
        'PEM with CRLF': rsa.publicPem.replace(/\n/g, '\r\n'),
        'PEM after a preamble': `Bag Attributes\n${rsa.publicPem}`,
        'PEM in a secret KeyObject': createSecretKey(Buffer.from(rsa.publicPem)),
        'JWK JSON, kty not first': JSON.stringify({ alg: 'RS256', e, kid: 'x', kty: 'RSA', n, use: 'sig' }),
        'SPKI DER bytes': der,
        'SPKI DER base64 (a PEM body)': der.toString('base64'),
        'PKCS#1 DER base64url': pkcs1.toString('base64url'),
        'OpenSSH public key': `ssh-rsa ${pkcs1.toString('base64')} someone@host`,
        'certificate DER base64 (x5c)': CERTIFICATE.replace(/-----[A-Z ]+-----|\s/g, ''),
      }
      for (const [form, bad] of Object.entries(forms)) {
        const err = thrown(() => store({ keys: { secrets: { k: bad as never } } }))
        expect(err, form).to.be.instanceOf(TypeError)
        expect(err.message, form).to.equal('"keys.secrets.k" looks like a public key or certificate, not an HMAC secret; configure public keys in "publicKeys"')
      }
      // Random secrets, raw or base64 as `openssl rand -base64 48` prints them, stay accepted.
      for (let i = 0; i < 200; i++) {
        const bytes = secret(32 + (i % 32))
        if (i % 2 === 0) bytes[0] = 0x30
        expect(algsOf(store({ keys: { secrets: { k: bytes } } }), { alg: 'HS256', kid: 'k' }), `raw #${i}`).to.have.length(1)
        expect(algsOf(store({ keys: { secrets: { k: bytes.toString('base64') } } }), { alg: 'HS256', kid: 'k' }), `base64 #${i}`).to.have.length(1)
      }
    })
  })

  describe('public keys', () => {
    it('binds RSA keys to RS* and PS*, from PEM, JWK (with or without alg) and KeyObject', () => {
      const rsa = keyPair('RS256')
      const { alg: _alg, ...bareJwk } = rsa.publicJwk
      const s = store({ keys: { publicKeys: { pem: rsa.publicPem, obj: rsa.publicKey, jwk: bareJwk } } })
      const all = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']
      for (const kid of ['pem', 'obj', 'jwk']) {
        expect(algsOf(s, { alg: 'PS384', kid })).to.deep.equal([all])
        expect(selectSync(s, { alg: 'RS256', kid })[0]!.key.equals(rsa.publicKey)).to.equal(true)
      }
      expect([...s.algorithms]).to.deep.equal(all)
    })

    it("narrows a JWK's binding to its alg", async () => {
      const rsa = keyPair('RS256')
      const s = store({ keys: { publicKeys: { k: rsa.publicJwk } }, algorithms: ['RS256', 'PS256'] })
      expect(algsOf(s, { alg: 'RS256', kid: 'k' })).to.deep.equal([['RS256']])
      await refusal(() => s.select({ alg: 'PS256', kid: 'k' }, {}))
      const err = thrown(() => store({ keys: { publicKeys: { k: { ...rsa.publicJwk, alg: 'ES256' } } } }))
      expect(err).to.be.instanceOf(RangeError)
      expect(err.message).to.match(/^"keys\.publicKeys\.k" has "alg" "ES256"/)
    })

    it('binds each EC curve to exactly its algorithm, and Ed25519 to EdDSA', async () => {
      const s = store({
        keys: {
          publicKeys: {
            p256: keyPair('ES256').publicPem,
            p384: keyPair('ES384').publicKey,
            p521: keyPair('ES512').publicJwk,
            ed: keyPair('EdDSA').publicPem,
          },
        },
      })
      expect(algsOf(s, { alg: 'ES256', kid: 'p256' })).to.deep.equal([['ES256']])
      expect(algsOf(s, { alg: 'ES384', kid: 'p384' })).to.deep.equal([['ES384']])
      expect(algsOf(s, { alg: 'ES512', kid: 'p521' })).to.deep.equal([['ES512']])
      expect(algsOf(s, { alg: 'EdDSA', kid: 'ed' })).to.deep.equal([['EdDSA']])
      for (const [alg, kid] of [['ES384', 'p256'], ['ES256', 'p521'], ['ES512', 'p384'], ['ES256', 'ed'], ['EdDSA', 'p256']]) {
        await refusal(() => s.select({ alg: alg!, kid }, {}))
      }
    })

    it('reads an X.509 certificate', () => {
      const s = store({ keys: { publicKeys: { cert: CERTIFICATE } } })
      const [key] = selectSync(s, { alg: 'ES256', kid: 'cert' })
      expect(key!.key.equals(createPublicKey(CERTIFICATE))).to.equal(true)
    })

    it('reduces a private key (KeyObject, PEM or JWK) to its public key', () => {
      const ec = keyPair('ES256')
      const pem = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
      const jwk = ec.privateKey.export({ format: 'jwk' })
      const s = store({ keys: { publicKeys: { a: ec.privateKey, b: pem, c: jwk } } })
      for (const kid of ['a', 'b', 'c']) {
        const [key] = selectSync(s, { alg: 'ES256', kid })
        expect(key!.key.type).to.equal('public')
        expect(key!.key.equals(ec.publicKey)).to.equal(true)
      }
    })

    it('refuses weak, unsupported, symmetric and malformed keys, naming the option', () => {
      const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey
      const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey
      const ed448 = generateKeyPairSync('ed448').publicKey
      const cases: Array<[unknown, RegExp]> = [
        [weak, /at least 2048 bits/],
        [weak.export({ format: 'jwk' }), /at least 2048 bits/],
        [k1, /P-256, P-384 or P-521/],
        [ed448, /unsupported key type/],
        [createSecretKey(secret(32)), /secret key/],
        [{ kty: 'oct', k: secret(32).toString('base64url') }, /symmetric JWK/],
        [{ ...keyPair('ES256').publicJwk, use: 'enc' }, /"use" is "enc"/],
        [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }, /not a valid public JWK/],
        ['not a pem', /PEM/],
        ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /not a valid PEM/],
        [42, /PEM string, a JWK or a KeyObject/],
      ]
      for (const [input, message] of cases) {
        const err = thrown(() => store({ keys: { publicKeys: { 'kid-1': input as KeyObject } } }))
        expect(err.message).to.match(/^"keys\.publicKeys\.kid-1" /)
        expect(err.message).to.match(message)
      }
    })

    it('imports each key once: every selection returns the same frozen array and KeyObject', () => {
      const s = store({ keys: { secrets: { a: secret() }, publicKeys: { r: keyPair('RS256').publicPem } } })
      const first = selectSync(s, { alg: 'RS256', kid: 'r' })
      expect(selectSync(s, { alg: 'RS256', kid: 'r' })).to.equal(first)
      expect(selectSync(s, { alg: 'PS256', kid: 'r' })[0]!.key).to.equal(first[0]!.key)
      expect(Object.isFrozen(first)).to.equal(true)
      expect(Object.isFrozen(first[0])).to.equal(true)
    })
  })

  describe('local JWKS', () => {
    it('uses signature keys; skips symmetric keys and keys not for verification', async () => {
      const rs = keyPair('RS256')
      const es = keyPair('ES256')
      const s = store({
        keys: {
          secrets: { local: secret() },
          localJwks: {
            keys: [
              rs.publicJwk,
              { ...es.publicJwk, kid: 'enc', use: 'enc' },
              { ...es.publicJwk, kid: 'wrap', key_ops: ['wrapKey'] },
              { kty: 'oct', kid: 'oct', k: secret(32).toString('base64url'), alg: 'HS256' },
              { ...es.publicJwk, kid: 'ops', key_ops: ['verify'] },
            ],
          },
        },
      })
      expect(algsOf(s, { alg: 'RS256', kid: rs.kid })).to.deep.equal([['RS256']])
      expect(algsOf(s, { alg: 'ES256', kid: 'ops' })).to.deep.equal([['ES256']])
      for (const kid of ['enc', 'wrap']) await refusal(() => s.select({ alg: 'ES256', kid }, {}))
      // HS256 is allowed (a local secret exists), yet the JWKS's symmetric key never applies.
      await refusal(() => s.select({ alg: 'HS256', kid: 'oct' }, {}))
    })

    it('refuses a document of the wrong shape or a broken key, naming the entry', () => {
      const es = keyPair('ES256')
      const cases: Array<[unknown, string]> = [
        [[es.publicJwk], '"keys.localJwks" must be a JWKS'],
        [{ keys: 'x' }, '"keys.localJwks" must be a JWKS'],
        [{ keys: [es.publicJwk, 'x'] }, '"keys.localJwks.keys[1]" must be an object'],
        [{ keys: [{ ...es.publicJwk, kty: 1 }] }, '"keys.localJwks.keys[0].kty" must be a string'],
        [{ keys: [{ ...es.publicJwk, kid: 7 }] }, '"keys.localJwks.keys[0].kid" must be a string'],
        [{ keys: [{ ...es.publicJwk, key_ops: 'verify' }] }, '"keys.localJwks.keys[0].key_ops" must be an array of strings'],
        [{ keys: [{ ...es.publicJwk, x: 'AAAA' }] }, '"keys.localJwks.keys[0]" is not a valid public JWK'],
      ]
      for (const [doc, message] of cases) {
        const err = thrown(() => store({ keys: { localJwks: doc as never } }))
        expect(err).to.be.instanceOf(TypeError)
        expect(err.message.startsWith(message), err.message).to.equal(true)
      }
    })

    it('holds at most 100 keys, counted before any import', () => {
      const es = keyPair('ES256')
      const many = (n: number) => ({ keys: Array.from({ length: n }, (_, i) => ({ ...es.publicJwk, kid: `k${i}` })) })
      expect(() => store({ keys: { localJwks: many(100) } })).not.to.throw()
      const err = thrown(() => store({ keys: { localJwks: many(101) } }))
      expect(err).to.be.instanceOf(TypeError)
      expect(err.message).to.equal('"keys.localJwks" holds 101 keys; at most 100 are accepted')
      // Junk entries count too: the bound comes before the shape of each entry is looked at.
      expect(thrown(() => store({ keys: { localJwks: { keys: Array(5000).fill(1) } as never } })).message).to.match(/^"keys\.localJwks" holds 5000 keys/)
    })

    it('refuses two keys with the same kid for the same algorithm, and takes them for different ones', () => {
      const rs = keyPair('RS256', 'dup')
      const other = keyPair('RS256', 'dup')
      const es = keyPair('ES256', 'dup')
      const err = thrown(() => store({ keys: { localJwks: { keys: [rs.publicJwk, other.publicJwk] } } }))
      expect(err).to.be.instanceOf(TypeError)
      expect(err.message).to.match(/^"keys\.localJwks\.keys\[1\]" repeats the kid of an earlier key for the same algorithm/)
      // An RSA JWK without "alg" binds every RSA algorithm, RS256 included.
      const { alg: _alg, ...anyRsa } = other.publicJwk
      expect(() => store({ keys: { localJwks: { keys: [rs.publicJwk, anyRsa] } } })).to.throw(TypeError, /keys\[1\]/)
      const s = store({ keys: { localJwks: { keys: [rs.publicJwk, es.publicJwk] } } })
      expect(algsOf(s, { alg: 'RS256', kid: 'dup' })).to.deep.equal([['RS256']])
      expect(algsOf(s, { alg: 'ES256', kid: 'dup' })).to.deep.equal([['ES256']])
    })
  })

  describe('options', () => {
    const secrets = { k: secret() }

    it('takes exactly one of "keys" and "issuers"', () => {
      expect(thrown(() => store({})).message).to.equal('exactly one of "keys" and "issuers" must be given')
      expect(thrown(() => store({ keys: { secrets }, issuers: { a: { secrets } } }))).to.be.instanceOf(TypeError)
      expect(thrown(() => store({ issuer: 'a', issuers: { a: { secrets } } })).message).to.match(/"issuer" cannot be combined/)
      expect(thrown(() => store({ issuers: {} })).message).to.match(/"issuers" must be a non-empty object/)
    })

    it('refuses an empty key set and misspelt options', () => {
      expect(thrown(() => store({ keys: {} })).message).to.match(/^"keys" must configure at least one of/)
      expect(thrown(() => store({ keys: { secret: secrets } as never })).message).to.match(/^"keys\.secret" is not an option/)
      expect(thrown(() => store({ keys: { lookup: 'x' as never } })).message).to.equal('"keys.lookup" must be a function')
      expect(thrown(() => store({ issuer: '', keys: { secrets } })).message).to.match(/^"issuer" must be/)
    })

    it('validates the allowlist: never "none", only known names, not empty', () => {
      for (const none of ['none', 'NONE', 'nOnE']) {
        const err = thrown(() => store({ keys: { secrets }, algorithms: [none as never] }))
        expect(err).to.be.instanceOf(RangeError)
        expect(err.message).to.equal('"algorithms" must not contain "none"')
      }
      expect(thrown(() => store({ keys: { secrets }, algorithms: ['hs256' as never] })).message).to.match(/^"algorithms" contains "hs256"/)
      expect(thrown(() => store({ keys: { secrets }, algorithms: [] })).message).to.equal('"algorithms" must be a non-empty array')
    })

    it('refuses an allowlist no configured key can use', () => {
      const err = thrown(() => store({ keys: { secrets }, algorithms: ['RS256'] }))
      expect(err).to.be.instanceOf(RangeError)
      expect(err.message).to.match(/^"keys" has no key that may verify/)
    })

    it('requires a clock', () => {
      expect(thrown(() => createKeyStore({ keys: { secrets } } as never)).message).to.equal('"clock" must be a Clock')
      expect(() => createKeyStore({ keys: { secrets }, clock: systemClock })).to.not.throw()
    })

    it('keeps every private key it is given out of error messages', () => {
      const pem = keyPair('ES256').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
      const err = thrown(() => store({ keys: { secrets: { k: pem } } }))
      expect(err.message).to.not.include(pem.split('\n')[1]!.slice(0, 20))
    })
  })
})
