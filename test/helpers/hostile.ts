// Hostile tokens for one key setup, named, each with the code a hivegate verifier must refuse it
// with. Core's verifier tests, the differential test against jose and every adapter's transport
// tests send the same list. Independent of @hivegate/core: only jose and node:crypto.
import { constants, createHmac, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto'
import { keyPair, secret as randomSecret, type TestKeyPair } from './keys.js'
import { b64url, mint, TEST_AUDIENCE, TEST_ISSUER } from './tokens.js'

/** Keys and time a hostile list is built for. */
export interface HostileSetup {
  readonly issuer: string
  readonly audience: string
  /** Epoch seconds the tokens are minted at; run the verifier's clock at `now * 1000`. */
  readonly now: number
  readonly secret: Buffer
  /** kid of `secret`. */
  readonly secretKid: string
  readonly rsa: TestKeyPair
  readonly ec: TestKeyPair
  /** A `jti` the verifier under test must have revoked (`verifier.revocations.revoke(jti)`). */
  readonly revokedJti: string
}

/** A setup at `now` (epoch seconds; default 2030-01-01) with fresh keys. */
export function hostileSetup(now = Date.parse('2030-01-01T00:00:00Z') / 1000): HostileSetup {
  return {
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    now,
    secret: randomSecret(),
    secretKid: 'kid-1',
    rsa: keyPair('RS256', 'rsa-1'),
    ec: keyPair('ES256', 'ec-1'),
    revokedJti: 'revoked-jti-1',
  }
}

/**
 * Verifier options matching a setup (add `clock: createManualClock(setup.now * 1000)` and revoke
 * `setup.revokedJti`): the secret under its kid, the RSA key as PEM and the EC key as JWK.
 */
export function hostileVerifierOptions(setup: HostileSetup) {
  return {
    issuer: setup.issuer,
    audience: setup.audience,
    requiredClaims: ['tnd'],
    keys: {
      secrets: { [setup.secretKid]: setup.secret },
      publicKeys: { [setup.rsa.kid]: setup.rsa.publicPem, [setup.ec.kid]: setup.ec.publicJwk },
    },
  }
}

/** One hostile token and the code a hivegate verifier refuses it with. */
export interface HostileToken {
  readonly name: string
  readonly token: string
  readonly code: 'invalid_token' | 'token_expired' | 'token_revoked'
  /** Longer than the default 8 KiB limit: transports with smaller header limits may refuse it first. */
  readonly oversized?: boolean
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const HASH: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }

/** HMAC-signs raw header and payload JSON text (which jose's signer would refuse to produce). */
export function hmacToken(secret: Uint8Array | string, headerJson: string, payloadJson: string | Uint8Array, alg = 'HS256'): string {
  const input = `${b64url(headerJson)}.${b64url(payloadJson)}`
  return `${input}.${createHmac(HASH[alg] ?? 'sha256', secret).update(input).digest('base64url')}`
}

/** Signs raw header and payload text with an EC private key, in DER or raw (IEEE P1363) form. */
function ecToken(key: KeyObject, headerJson: string, payloadJson: string, dsaEncoding: 'der' | 'ieee-p1363'): string {
  const input = `${b64url(headerJson)}.${b64url(payloadJson)}`
  return `${input}.${cryptoSign('sha256', Buffer.from(input), { key, dsaEncoding }).toString('base64url')}`
}

const strippedPss = new Map<string, string>()

/**
 * A PS256 token of the setup's RSA key whose signature starts with a zero byte, sent without it:
 * OpenSSL (and so jose) still verifies it, RFC 8017 wants exactly the modulus length. About one
 * signature in 256 qualifies, so the search runs once per setup.
 */
function strippedPssToken(setup: HostileSetup, payloadJson: string): string {
  const id = `${setup.rsa.kid}/${payloadJson}`
  const hit = strippedPss.get(id)
  if (hit !== undefined) return hit
  for (let i = 0; ; i++) {
    const input = `${b64url(JSON.stringify({ alg: 'PS256', kid: setup.rsa.kid, n: i }))}.${b64url(payloadJson)}`
    const sig = cryptoSign('sha256', Buffer.from(input), { key: setup.rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
    if (sig[0] !== 0) continue
    const token = `${input}.${sig.subarray(1).toString('base64url')}`
    strippedPss.set(id, token)
    return token
  }
}

function replacePart(token: string, index: number, part: string): string {
  const parts = token.split('.')
  parts[index] = part
  return parts.join('.')
}

/** Claims of a valid token at `setup.now`, as JSON-ready data. */
export function validClaims(setup: HostileSetup, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: setup.issuer,
    aud: setup.audience,
    sub: 'johndoe',
    tnd: 'tenant-1',
    iat: setup.now,
    exp: setup.now + 3600,
    jti: 'jti-valid-1',
    per: { london: { 'deliveryRiders/*': 'R' } },
    dpv: { london: ['deliveryRides/johndoe-123'] },
    ...overrides,
  }
}

/** A token the setup's verifier accepts (HS256 under the secret's kid). */
export function validToken(setup: HostileSetup, overrides: Record<string, unknown> = {}): string {
  return hmacToken(setup.secret, JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: setup.secretKid }), JSON.stringify(validClaims(setup, overrides)))
}

/** Every hostile token for `setup`, named; none of them may verify. */
export async function hostileTokens(setup: HostileSetup): Promise<HostileToken[]> {
  const list: HostileToken[] = []
  const add = (name: string, token: string, code: HostileToken['code'] = 'invalid_token', oversized?: boolean) =>
    list.push(oversized === true ? { name, token, code, oversized } : { name, token, code })
  const claims = validClaims(setup)
  const payload = JSON.stringify(claims)
  const hs = (header: Record<string, unknown>, body: string = payload) =>
    hmacToken(setup.secret, JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: setup.secretKid, ...header }), body)
  const signed = (extra: Record<string, unknown>) => hs({}, JSON.stringify({ ...claims, ...extra }))
  const valid = validToken(setup)

  // alg none, any casing, with and without a signature
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    add(`alg ${alg}, empty signature`, `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${b64url(payload)}.`)
    add(`alg ${alg}, with a signature`, replacePart(valid, 0, b64url(JSON.stringify({ alg, typ: 'JWT', kid: setup.secretKid }))))
  }
  // HMAC keyed with the RSA public key (algorithm confusion), PEM and JWK text, with leading whitespace
  const jwkText = JSON.stringify(setup.rsa.publicJwk)
  const confusion: Record<string, string> = {
    pem: setup.rsa.publicPem,
    'pem without trailing newline': setup.rsa.publicPem.trimEnd(),
    'pem with leading whitespace': `\n  ${setup.rsa.publicPem}`,
    jwk: jwkText,
    'jwk with leading whitespace': ` \n${jwkText}`,
  }
  for (const [form, key] of Object.entries(confusion)) {
    add(`HS256 keyed with the RSA public key (${form}), RSA kid`, hmacToken(key, JSON.stringify({ alg: 'HS256', kid: setup.rsa.kid }), payload))
    add(`HS256 keyed with the RSA public key (${form}), no kid`, hmacToken(key, JSON.stringify({ alg: 'HS256' }), payload))
  }
  add('RS256 header over an HMAC signature', replacePart(valid, 0, b64url(JSON.stringify({ alg: 'RS256', kid: setup.rsa.kid }))))
  add('ES256 header, kid of the secret', hmacToken(setup.secret, JSON.stringify({ alg: 'ES256', kid: setup.secretKid }), payload))
  add('HS384 header over an HS256 signature', replacePart(valid, 0, b64url(JSON.stringify({ alg: 'HS384', kid: setup.secretKid }))))
  add('alg lower-case hs256', hs({ alg: 'hs256' }))
  add('alg with a trailing space', hs({ alg: 'HS256 ' }))
  add('alg missing', hmacToken(setup.secret, JSON.stringify({ kid: setup.secretKid }), payload))
  add('alg not a string', hs({ alg: ['HS256'] }))
  // kids
  add('unknown kid', hs({ kid: 'no-such-kid' }))
  add('kid is a number', hs({ kid: 1 }))
  add('kid is an object', hs({ kid: { $ne: null } }))
  add('kid is empty', hs({ kid: '' }))
  add('kid path traversal', hs({ kid: '../../../../etc/passwd' }))
  add('kid __proto__', hs({ kid: '__proto__' }))
  add('kid constructor', hs({ kid: 'constructor' }))
  add('kid with CRLF and quotes', hs({ kid: 'x"\r\nWWW-Authenticate: Basic realm="evil' }))
  add('kid of 4 KiB', hs({ kid: 'k'.repeat(4096) }))
  add('kid of the RSA key on an HS256 token', hs({ kid: setup.rsa.kid }))
  // sizes
  add('token one character over 8 KiB', `${valid}.`.padEnd(8193, 'A'), 'invalid_token', true)
  add('token of 1 MiB', 'A'.repeat(1 << 20), 'invalid_token', true)
  add('valid token padded to 1 MiB in the payload', hs({}, JSON.stringify({ ...claims, pad: 'x'.repeat(1 << 20) })), 'invalid_token', true)
  // structure and encoding
  const [h, p, s] = valid.split('.') as [string, string, string]
  add('one part', h)
  add('two parts', `${h}.${p}`)
  add('four parts', `${valid}.${s}`)
  add('five parts', `${valid}.${h}.${p}`)
  add('empty parts', '..')
  add('padding on the signature', `${valid}=`)
  add('padding on the header', `${h}=.${p}.${s}`)
  add("'+' in the signature", `${h}.${p}.${s.slice(0, -2)}+${s.slice(-1)}`)
  add("'/' in the payload", `${h}.${p.slice(0, 10)}/${p.slice(11)}.${s}`)
  add('space inside the payload', `${h}.${p.slice(0, 10)} ${p.slice(10)}.${s}`)
  add('newline inside the signature', `${h}.${p}.${s.slice(0, 20)}\n${s.slice(20)}`)
  add('non-ASCII character', `${h}.${p}é.${s}`)
  add('NUL character', `${h}.${p}\u0000.${s}`)
  // 32 bytes take 43 characters; the last one's two low bits are unused: setting one keeps the bytes.
  const last = BASE64URL.indexOf(s.charAt(s.length - 1))
  add('signature with non-canonical trailing bits', `${h}.${p}.${s.slice(0, -1)}${BASE64URL.charAt(last | 1)}`)
  add('header is not JSON', hmacToken(setup.secret, '{"alg":"HS256",', payload))
  add('header is a JSON array', hmacToken(setup.secret, '["HS256"]', payload))
  add('header is a JSON string', hmacToken(setup.secret, '"HS256"', payload))
  add('header is JSON null', hmacToken(setup.secret, 'null', payload))
  add('payload is not JSON', hs({}, '{"iss":'))
  add('payload is a JSON array', hs({}, '[1,2]'))
  add('payload is JSON null', hs({}, 'null'))
  add('payload is a number', hs({}, '42'))
  const badUtf8 = Buffer.concat([Buffer.from(payload.slice(0, -1)), Buffer.from(',"x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])
  add('payload with invalid UTF-8', hmacToken(setup.secret, JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: setup.secretKid }), badUtf8))
  // signatures
  add('signature of another token', `${h}.${b64url(JSON.stringify({ ...claims, sub: 'admin' }))}.${s}`)
  add('empty signature', `${h}.${p}.`)
  add('signature truncated by one byte', `${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, -1).toString('base64url')}`)
  add('signature truncated by one character', `${h}.${p}.${s.slice(0, -1)}`)
  const ecHeader = JSON.stringify({ alg: 'ES256', kid: setup.ec.kid })
  const ecValid = ecToken(setup.ec.privateKey, ecHeader, payload, 'ieee-p1363')
  add('ES256 with a DER signature', ecToken(setup.ec.privateKey, ecHeader, payload, 'der'))
  add('ES256 signature truncated', `${ecValid.slice(0, ecValid.lastIndexOf('.'))}.${Buffer.from(ecValid.slice(ecValid.lastIndexOf('.') + 1), 'base64url').subarray(0, 63).toString('base64url')}`)
  add('ES256 signature zero-padded to 65 bytes', `${ecValid.slice(0, ecValid.lastIndexOf('.'))}.${Buffer.concat([Buffer.from(ecValid.slice(ecValid.lastIndexOf('.') + 1), 'base64url'), Buffer.alloc(1)]).toString('base64url')}`)
  add('ES256 all-zero signature', `${ecValid.slice(0, ecValid.lastIndexOf('.'))}.${Buffer.alloc(64).toString('base64url')}`)
  const rsValid = await mint({ alg: 'RS256', key: setup.rsa.privateKey, kid: setup.rsa.kid, claims, now: setup.now })
  add('RS256 signature truncated', rsValid.slice(0, -8))
  add('PS256 signature without its leading zero byte', strippedPssToken(setup, payload))
  add('RS256 signed by another RSA key', await mint({ alg: 'RS256', key: keyPair('RS256', 'attacker-rsa').privateKey, kid: setup.rsa.kid, claims, now: setup.now }))
  // headers that point elsewhere
  const attacker = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const attackerJwk = attacker.publicKey.export({ format: 'jwk' })
  add('jwk header with the attacker key, our kid', ecToken(attacker.privateKey, JSON.stringify({ alg: 'ES256', kid: setup.ec.kid, jwk: attackerJwk }), payload, 'ieee-p1363'))
  add('jwk header with the attacker key, no kid', ecToken(attacker.privateKey, JSON.stringify({ alg: 'ES256', jwk: attackerJwk }), payload, 'ieee-p1363'))
  add('jku header to an attacker URL', ecToken(attacker.privateKey, JSON.stringify({ alg: 'ES256', kid: setup.ec.kid, jku: 'https://attacker.example/jwks.json' }), payload, 'ieee-p1363'))
  add('x5u header to an attacker URL', ecToken(attacker.privateKey, JSON.stringify({ alg: 'ES256', kid: setup.ec.kid, x5u: 'https://attacker.example/cert.pem' }), payload, 'ieee-p1363'))
  // crit
  add('crit naming an unknown parameter', hs({ crit: ['exp'], exp: setup.now + 60 }))
  add('crit b64 false (unencoded payload)', hs({ crit: ['b64'], b64: false }))
  add('crit b64 true', hs({ crit: ['b64'], b64: true }))
  add('crit empty', hs({ crit: [] }))
  add('crit not an array', hs({ crit: 'exp' }))
  // time claims
  add('expired', signed({ exp: setup.now - 3600 }), 'token_expired')
  add('expired just past the tolerance', signed({ exp: setup.now - 5 }), 'token_expired')
  add('not valid yet', signed({ nbf: setup.now + 3600 }))
  add('issued in the future', signed({ iat: setup.now + 3600 }))
  add('exp 1e400', hs({}, payload.replace(/"exp":\d+/, '"exp":1e400')))
  add('exp -1e400', hs({}, payload.replace(/"exp":\d+/, '"exp":-1e400')))
  add('nbf 1e400', hs({}, payload.replace(/"exp":\d+/, `"exp":${setup.now + 60},"nbf":1e400`)))
  add('iat 1e400', hs({}, payload.replace(/"iat":\d+/, '"iat":1e400')))
  add('exp as a string', signed({ exp: String(setup.now + 3600) }))
  add('exp as an object', signed({ exp: { $gt: 0 } }))
  add('exp negative', signed({ exp: -1 }))
  add('nbf negative', signed({ nbf: -1 }))
  add('exp beyond year 9999', signed({ exp: 1e15 }))
  // issuer, audience, subject, required claims
  add('wrong issuer', signed({ iss: 'attacker.example' }))
  add('issuer missing', signed({ iss: undefined }))
  add('issuer not a string', signed({ iss: [setup.issuer] }))
  add('wrong audience', signed({ aud: 'another-api' }))
  add('audience list without ours', signed({ aud: ['a', 'b'] }))
  add('audience list with a non-string', signed({ aud: [setup.audience, 1] }))
  add('audience missing', signed({ aud: undefined }))
  add('sub is a number', signed({ sub: 12345 }))
  add('jti is a number', signed({ jti: 1 }))
  add('required tnd missing', signed({ tnd: undefined }))
  add('revoked jti', signed({ jti: setup.revokedJti }), 'token_revoked')
  // prototype keys: harmless to JSON.parse, dangerous to an application that deep-merges claims
  add('__proto__ member in the payload', hs({}, payload.replace(/^\{/, '{"__proto__":{"admin":true},')))
  add('escaped __proto__ member in per', hs({}, payload.replace('"london":{', '"london":{"\\u005f_proto__":"CRUD",')))
  add('constructor.prototype member in the payload', signed({ constructor: { prototype: { admin: true } } }))
  add('__proto__ member in the header', hmacToken(setup.secret, `{"__proto__":{"alg":"none"},"alg":"HS256","kid":"${setup.secretKid}"}`, payload))
  // permissions
  add('per is a string', signed({ per: 'london:*:CRUD' }))
  add('per is an array', signed({ per: [{ london: { '*': 'CRUD' } }] }))
  add('per with an unknown action letter', signed({ per: { london: { '*': 'X' } } }))
  add('per realm maps to an array', signed({ per: { london: ['*'] } }))
  add('per action is a number', signed({ per: { london: { '*': 15 } } }))
  add('dpv realm maps to a string', signed({ dpv: { london: 'deliveryRides/*' } }))
  add('dpv pattern is not a string', signed({ dpv: { london: [42] } }))
  add('per with 5000 patterns', signed({ per: { london: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`o${i}`, 'R'])) } }), 'invalid_token', true)
  return list
}
