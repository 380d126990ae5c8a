import { expect } from 'chai'
import { createHmac, createSecretKey, generateKeyPairSync, sign } from 'node:crypto'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { keyPair, secret } from '../../../test/helpers/keys.js'
import { mint } from '../../../test/helpers/tokens.js'
import { encodeBase64url, isBase64url } from '../src/base64url.js'
import { AuthError } from '../src/errors.js'
import { decodeCompact } from '../src/jws.js'
import { ALGORITHM_SPECS, verifySignature } from '../src/signature.js'

const ALL = new Set(Object.keys(ALGORITHM_SPECS))

function refusal(fn: () => unknown): AuthError {
  try {
    fn()
  } catch (err) {
    expect(err).to.be.instanceOf(AuthError)
    return err as AuthError
  }
  throw new Error('expected an AuthError')
}

describe('base64url', () => {
  it('accepts only canonical unpadded base64url', () => {
    for (const bytes of [0, 1, 2, 3, 4, 31, 32, 33]) {
      const text = encodeBase64url(Buffer.alloc(bytes, 0xa7))
      expect(isBase64url(text, 0, text.length), String(bytes)).to.equal(true)
    }
    const bad = ['AB=', 'A', 'AB+C', 'AB/C', 'AB C', 'ABé', 'AB\nC', 'AF', 'ABD']
    for (const text of bad) expect(isBase64url(text, 0, text.length), JSON.stringify(text)).to.equal(false)
  })
})

describe('decodeCompact', () => {
  it('splits, decodes and parses a compact JWS', async () => {
    const token = await mint({ key: secret(), claims: { sub: 'x' } })
    const jws = decodeCompact(token, ALL)
    expect(jws.header).to.include({ alg: 'HS256', kid: 'kid-1' })
    expect(jws.claims.sub).to.equal('x')
    expect(jws.spec).to.equal(ALGORITHM_SPECS.HS256)
    expect(jws.signingInput).to.equal(token.slice(0, token.lastIndexOf('.')))
    expect(jws.signature).to.have.length(32)
  })

  it('refuses an algorithm outside the allowlist, and none in any casing', async () => {
    const token = await mint({ key: secret() })
    expect(refusal(() => decodeCompact(token, new Set(['HS512']))).message).to.match(/algorithm/)
    const none = `${encodeBase64url('{"alg":"none"}')}.${encodeBase64url('{}')}.AAAA`
    expect(refusal(() => decodeCompact(none, new Set([...ALL, 'none']).add('None'))).code).to.equal('invalid_token')
  })

  it('refuses any crit, remembers headers without confusing allowlists', async () => {
    const token = await mint({ key: secret() })
    decodeCompact(token, ALL)
    expect(refusal(() => decodeCompact(token, new Set(['RS256']))).code).to.equal('invalid_token')
    const crit = `${encodeBase64url('{"alg":"HS256","crit":["b64"],"b64":true}')}.${encodeBase64url('{}')}.AAAA`
    expect(refusal(() => decodeCompact(crit, ALL)).message).to.match(/critical/)
  })

  it('refuses every character outside base64url in every part, whatever Node\'s decoder makes of it', async () => {
    const token = await mint({ key: secret(), claims: { sub: 'x' } })
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const alphabet = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')
    // Each part once as it is and once a character longer, so both lengths that 3 bytes do not divide are met.
    const parts = [header, payload, signature].flatMap((part, index) => [{ index, part }, { index, part: `${part}A` }])
    const refusedAs = (variant: string[]): string => refusal(() => decodeCompact(variant.join('.'), ALL)).message
    // Every code unit of the first two pages, then above them each one whose low byte is a base64url
    // character: the decoder reads a two-byte character by its low byte, so those are the ones it would take.
    const codes: number[] = []
    for (let code = 0; code < 0x200; code++) codes.push(code)
    for (let page = 0x200; page <= 0xffff; page += 0x100) for (const char of alphabet) codes.push(page + char.charCodeAt(0))
    for (const code of codes) {
      const char = String.fromCharCode(code)
      if (alphabet.has(char)) continue
      const expected = char === '.' ? 'The token must have exactly three parts' : 'The token is not base64url'
      for (const { index, part } of parts) {
        const replaced = [header, payload, signature]
        replaced[index] = `${part[0]}${char}${part.slice(2)}`
        const inserted = [header, payload, signature]
        inserted[index] = `${part[0]}${char}${part.slice(1)}`
        for (const variant of [replaced, inserted]) {
          const message = refusedAs(variant)
          if (message !== expected) expect.fail(`U+${code.toString(16).padStart(4, '0')} in part ${index}: ${message}`)
        }
      }
    }
  })

  it('refuses empty parts, padding and a fourth part', async () => {
    const token = await mint({ key: secret() })
    const [header, payload, signature] = token.split('.') as [string, string, string]
    for (const bad of [`.${payload}.${signature}`, `${header}..${signature}`, `${header}.${payload}.`, `${header}.${payload}.${signature}=`, `${header}.${payload}`]) {
      expect(refusal(() => decodeCompact(bad, ALL)).message, bad.slice(0, 12)).to.match(/not base64url|three parts/)
    }
    expect(refusal(() => decodeCompact(`${token}.AAAA`, ALL)).message).to.equal('The token must have exactly three parts')
    expect(refusal(() => decodeCompact(`${header}.${payload}=.${signature}`, ALL)).message).to.equal('The token is not base64url')
  })
})

describe('decodeCompact: prototype keys', () => {
  const seg = (json: string) => encodeBase64url(json)
  const HEADER = seg('{"alg":"HS256"}')

  it('refuses a __proto__ or constructor.prototype member at any depth, escaped or not, in payload or header', () => {
    const payloads = [
      '{"__proto__":{"admin":true}}',
      '{"per":{"london":{"__proto__":"R"}}}',
      '{"a":[1,[{"__proto__":1}]]}',
      '{"\\u005f_proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"admin":true}}}',
      '{"x":{"constructor":{"prot\\u006ftype":1}}}',
      `{"deep":${'['.repeat(100_000)}{"__proto__":1}${']'.repeat(100_000)}}`,
    ]
    for (const payload of payloads) {
      const err = refusal(() => decodeCompact(`${HEADER}.${seg(payload)}.AAAA`, ALL))
      expect(err.code, payload.slice(0, 40)).to.equal('invalid_token')
      expect(err.message).to.equal('The token has a "__proto__" or "constructor.prototype" member')
    }
    expect(refusal(() => decodeCompact(`${seg('{"alg":"HS256","__proto__":{"kid":"k"}}')}.${seg('{}')}.AAAA`, ALL)).code).to.equal('invalid_token')
  })

  it('keeps the words as values, and "constructor" or "prototype" as plain names', () => {
    for (const payload of ['{"sub":"__proto__","note":"prototype"}', '{"constructor":"x","prototype":{"a":1}}', '{"constructor":{"a":1}}', '{"name":"J\\u00f6rg"}']) {
      expect(decodeCompact(`${HEADER}.${seg(payload)}.AAAA`, ALL).claims, payload).to.deep.equal(JSON.parse(payload))
    }
  })
})

describe('decodeCompact: header cache', () => {
  it('keeps no token alive: distinct headers of 1 MB tokens leave no megabytes behind', function () {
    this.timeout(60_000)
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const allowed = new Set(['HS256'])
    const used = () => {
      gc()
      return process.memoryUsage().heapUsed / 2 ** 20
    }
    const tokens = [
      // Short, cacheable headers, each a slice of a token of about 1 MB.
      (i: number) => encodeBase64url(`{"alg":"HS256","kid":"s${i}"}`) + '.' + encodeBase64url('{"x":"' + 'a'.repeat(700_000) + i + '"}') + '.' + 'A'.repeat(43),
      // Long headers (an x5c chain, padding): parsed every time, never remembered.
      (i: number) => `${encodeBase64url(JSON.stringify({ alg: 'HS256', kid: `l${i}`, x5c: ['b'.repeat(700_000)] }))}.e30.AAAA`,
    ]
    for (const make of tokens) {
      // The cache empties itself when full: the most it holds within 64 inserts is at least 32 entries.
      const before = used()
      let most = 0
      for (let i = 0; i < 64; i++) {
        decodeCompact(make(i), allowed)
        most = Math.max(most, used() - before)
      }
      expect(most).to.be.below(8)
    }
  })
})

describe('verifySignature', () => {
  const input = 'eyJhbGciOiJIUzI1NiJ9.e30'

  it('checks HMAC in constant time with the exact length', () => {
    const key = createSecretKey(secret())
    const other = createSecretKey(secret())
    const mac = createHmac('sha256', key).update(input).digest()
    expect(verifySignature(ALGORITHM_SPECS.HS256, key, input, mac)).to.equal(true)
    expect(verifySignature(ALGORITHM_SPECS.HS256, other, input, mac)).to.equal(false)
    expect(verifySignature(ALGORITHM_SPECS.HS256, key, input, mac.subarray(0, 31))).to.equal(false)
    expect(verifySignature(ALGORITHM_SPECS.HS256, key, input, Buffer.concat([mac, Buffer.alloc(1)]))).to.equal(false)
  })

  it('never lets a key of one family verify another', () => {
    const rsa = keyPair('RS256')
    const ec = keyPair('ES256')
    const hmac = createSecretKey(secret())
    const rsSig = sign('sha256', Buffer.from(input), rsa.privateKey)
    expect(verifySignature(ALGORITHM_SPECS.RS256, rsa.publicKey, input, rsSig)).to.equal(true)
    expect(verifySignature(ALGORITHM_SPECS.HS256, rsa.publicKey, input, rsSig.subarray(0, 32))).to.equal(false)
    expect(verifySignature(ALGORITHM_SPECS.RS256, hmac, input, rsSig)).to.equal(false)
    expect(verifySignature(ALGORITHM_SPECS.RS256, ec.publicKey, input, rsSig)).to.equal(false)
    expect(verifySignature(ALGORITHM_SPECS.EdDSA, ec.publicKey, input, Buffer.alloc(64))).to.equal(false)
  })

  it('takes ECDSA signatures only raw, at the curve length', () => {
    for (const [alg, length] of [['ES256', 64], ['ES384', 96], ['ES512', 132]] as const) {
      const pair = keyPair(alg)
      const raw = sign(ALGORITHM_SPECS[alg].hash, Buffer.from(input), { key: pair.privateKey, dsaEncoding: 'ieee-p1363' })
      const der = sign(ALGORITHM_SPECS[alg].hash, Buffer.from(input), { key: pair.privateKey, dsaEncoding: 'der' })
      expect(raw, alg).to.have.length(length)
      expect(verifySignature(ALGORITHM_SPECS[alg], pair.publicKey, input, raw), alg).to.equal(true)
      expect(verifySignature(ALGORITHM_SPECS[alg], pair.publicKey, input, der), alg).to.equal(false)
      expect(verifySignature(ALGORITHM_SPECS[alg], pair.publicKey, input, raw.subarray(1)), alg).to.equal(false)
    }
  })

  it('verifies PSS with a salt of the hash length only', () => {
    const pair = keyPair('PS256')
    const data = Buffer.from(input)
    const good = sign('sha256', data, { key: pair.privateKey, padding: 6, saltLength: 32 })
    const shortSalt = sign('sha256', data, { key: pair.privateKey, padding: 6, saltLength: 0 })
    expect(verifySignature(ALGORITHM_SPECS.PS256, pair.publicKey, input, good)).to.equal(true)
    expect(verifySignature(ALGORITHM_SPECS.PS256, pair.publicKey, input, shortSalt)).to.equal(false)
    expect(verifySignature(ALGORITHM_SPECS.RS256, pair.publicKey, input, good)).to.equal(false)
  })

  it('takes RSA signatures only at the modulus length: one spelling per token', () => {
    const pair = keyPair('PS256')
    for (const [alg, padding] of [['PS256', 6], ['RS256', 1]] as const) {
      // About one signature in 256 starts with a zero byte; OpenSSL also verifies a PSS one without it.
      let sig = Buffer.alloc(0)
      let message = ''
      for (let i = 0; sig[0] !== 0; i++) {
        message = `${input}.${i}`
        sig = sign('sha256', Buffer.from(message), { key: pair.privateKey, padding, saltLength: 32 })
      }
      expect(verifySignature(ALGORITHM_SPECS[alg], pair.publicKey, message, sig), alg).to.equal(true)
      expect(verifySignature(ALGORITHM_SPECS[alg], pair.publicKey, message, sig.subarray(1)), `${alg} stripped`).to.equal(false)
      expect(verifySignature(ALGORITHM_SPECS[alg], pair.publicKey, message, Buffer.concat([Buffer.alloc(1), sig])), `${alg} padded`).to.equal(false)
    }
  })

  it('verifies Ed25519 and refuses an Ed448 key', () => {
    const pair = keyPair('EdDSA')
    const sig = sign(null, Buffer.from(input), pair.privateKey)
    expect(verifySignature(ALGORITHM_SPECS.EdDSA, pair.publicKey, input, sig)).to.equal(true)
    const ed448 = generateKeyPairSync('ed448')
    expect(verifySignature(ALGORITHM_SPECS.EdDSA, ed448.publicKey, input, sign(null, Buffer.from(input), ed448.privateKey))).to.equal(false)
  })
})
