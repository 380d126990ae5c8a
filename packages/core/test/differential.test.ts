// jose is the oracle: every hostile token and a seeded stream of well-formed and mangled tokens go
// to hivegate's verifier and to jose's jwtVerify with the same keys, options and time. Verdicts
// (accept / refuse) must agree, except where hivegate is deliberately stricter (STRICTER below).
import { expect } from 'chai'
import { jwtVerify, type JWTHeaderParameters } from 'jose'
import type { KeyObject } from 'node:crypto'
import { hmacToken, hostileSetup, hostileTokens, validClaims, type HostileSetup } from '../../../test/helpers/hostile.js'
import { keyPair } from '../../../test/helpers/keys.js'
import { b64url, mint } from '../../../test/helpers/tokens.js'
import { createManualClock } from '../src/clock.js'
import { compilePermissions } from '../src/permissions.js'
import { createVerifier } from '../src/verifier.js'
import type { Algorithm } from '../src/keys/algorithms.js'
import type { SyncVerifier } from '../src/verifier.js'

const SEED = 0x5eed2026
const GENERATED = 3000
const TOLERANCE = 5
const MAX_NUMERIC_DATE = 253402300799
const MAX_AGE = 1800
type Mode = 'audience' | 'aged'

/** Decoded JSON of a segment, or undefined. */
function segmentJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(segment, 'base64url')))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

const isNumericDate = (v: unknown) => v === undefined || (typeof v === 'number' && v >= 0 && v <= MAX_NUMERIC_DATE)

/**
 * Where hivegate refuses what jose accepts, on purpose. Each entry says why and recognises its
 * case from the token alone (claims as jose parsed them, for a token jose accepted).
 */
const STRICTER: ReadonlyArray<{ name: string; why: string; applies(token: string, setup: HostileSetup): boolean }> = [
  {
    name: 'token length',
    why: 'hivegate refuses a token over maxTokenLength (default 8 KiB) before decoding anything; jose has no limit',
    applies: (token) => token.length > 8192,
  },
  {
    name: 'canonical base64url',
    why: 'jose decodes with atob, which skips whitespace, accepts "=" padding and ignores unused trailing bits; hivegate requires the one canonical unpadded encoding so a token has exactly one spelling',
    applies: (token) =>
      token.split('.').some((part) => !/^[A-Za-z0-9_-]+$/.test(part) || Buffer.from(part, 'base64url').toString('base64url') !== part),
  },
  {
    name: 'byte order mark',
    why: "jose's TextDecoder drops a leading UTF-8 BOM before JSON.parse; a BOM is not JSON whitespace (RFC 8259 §8.1)",
    applies: (token) => token.split('.').slice(0, 2).some((part) => Buffer.from(part, 'base64url').subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))),
  },
  {
    name: 'crit',
    why: 'jose understands the b64 extension (RFC 7797); hivegate understands none and refuses every crit',
    applies: (token) => segmentJson(token.split('.')[0]!)?.crit !== undefined,
  },
  {
    name: 'prototype keys',
    why: 'jose keeps a "__proto__" or "constructor.prototype" member as a plain property; hivegate refuses the token, so no deep merge of its claims can pollute Object.prototype',
    applies: (token) => token.split('.').slice(0, 2).some((part) => /__proto__|prototype|\\u/.test(Buffer.from(part, 'base64url').toString('utf8'))),
  },
  {
    name: 'RSA signature length',
    why: 'OpenSSL, under jose, verifies a PSS signature sent without its leading zero bytes; hivegate wants exactly the modulus length (RFC 8017 §8.1.2), so a token has one spelling',
    applies: (token) => {
      const alg = segmentJson(token.split('.')[0]!)?.alg
      return typeof alg === 'string' && /^[RP]S/.test(alg) && Buffer.from(token.split('.')[2]!, 'base64url').length !== 256
    },
  },
  {
    name: 'NumericDate range',
    why: 'jose accepts any JSON number for exp/nbf/iat, Infinity (1e400) and negatives included; hivegate requires 0 ≤ t ≤ year 9999',
    applies: (token) => {
      const c = segmentJson(token.split('.')[1]!)
      return c !== undefined && !(isNumericDate(c.exp) && isNumericDate(c.nbf) && isNumericDate(c.iat))
    },
  },
  {
    name: 'iat in the future',
    why: 'jose checks iat only with maxTokenAge; hivegate refuses a token issued beyond the clock tolerance in the future',
    applies: (token, setup) => {
      const iat = segmentJson(token.split('.')[1]!)?.iat
      return typeof iat === 'number' && iat > setup.now + TOLERANCE
    },
  },
  {
    name: 'claim types',
    why: 'jose ignores the types of sub and jti and non-string aud members; hivegate needs strings (the AuthContext subject, the revocation key, the audience match)',
    applies: (token) => {
      const c = segmentJson(token.split('.')[1]!)
      if (c === undefined) return false
      const aud = c.aud
      const audOk = aud === undefined || typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string'))
      return !audOk || (c.sub !== undefined && typeof c.sub !== 'string') || (c.jti !== undefined && typeof c.jti !== 'string')
    },
  },
  {
    name: 'required claim null',
    why: 'jose counts a required claim present when its value is null; hivegate does not accept a null tenant',
    applies: (token) => segmentJson(token.split('.')[1]!)?.tnd === null,
  },
  {
    name: 'revocation',
    why: "revocation by jti is hivegate's; jose has no list",
    applies: (token, setup) => segmentJson(token.split('.')[1]!)?.jti === setup.revokedJti,
  },
  {
    name: 'per/dpv',
    why: 'hivegate compiles per and dpv and refuses a malformed one; jose does not read them',
    applies: (token) => {
      const c = segmentJson(token.split('.')[1]!)
      if (c === undefined) return false
      try {
        compilePermissions(c)
        return false
      } catch {
        return true
      }
    },
  },
]

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface KeyEntry {
  kid: string
  algorithms: readonly Algorithm[]
  signing: KeyObject | Uint8Array
  verifying: KeyObject | Uint8Array
}

describe('differential: hivegate and jose agree', function () {
  this.timeout(120_000)
  let setup: HostileSetup
  // Two configurations: with an audience, and without one but with a maximum token age.
  let verifiers: Record<Mode, SyncVerifier>
  let keys: KeyEntry[]
  const used = new Set<string>()
  const ALGS: Algorithm[] = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']

  before(() => {
    setup = hostileSetup()
    const es384 = keyPair('ES384')
    const es512 = keyPair('ES512')
    const ed = keyPair('EdDSA')
    keys = [
      { kid: setup.secretKid, algorithms: ['HS256', 'HS384', 'HS512'], signing: setup.secret, verifying: setup.secret },
      { kid: setup.rsa.kid, algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'], signing: setup.rsa.privateKey, verifying: setup.rsa.publicKey },
      { kid: setup.ec.kid, algorithms: ['ES256'], signing: setup.ec.privateKey, verifying: setup.ec.publicKey },
      { kid: es384.kid, algorithms: ['ES384'], signing: es384.privateKey, verifying: es384.publicKey },
      { kid: es512.kid, algorithms: ['ES512'], signing: es512.privateKey, verifying: es512.publicKey },
      { kid: ed.kid, algorithms: ['EdDSA'], signing: ed.privateKey, verifying: ed.publicKey },
    ]
    const common = {
      issuer: setup.issuer,
      requiredClaims: ['tnd'],
      clockTolerance: TOLERANCE,
      cache: false as const,
      clock: createManualClock(setup.now * 1000),
      keys: {
        secrets: { [setup.secretKid]: setup.secret },
        publicKeys: Object.fromEntries(keys.slice(1).map((k) => [k.kid, k.verifying as KeyObject])),
      },
    }
    verifiers = { audience: createVerifier({ ...common, audience: setup.audience }), aged: createVerifier({ ...common, maxTokenAge: MAX_AGE }) }
    for (const verifier of Object.values(verifiers)) verifier.revocations.revoke(setup.revokedJti)
  })

  // The key store's rules, restated for jose: kid picks the key; no kid works only when exactly one key can verify alg.
  function joseKey(header: JWTHeaderParameters): KeyObject | Uint8Array {
    const { kid, alg } = header
    if (kid !== undefined && typeof kid !== 'string') throw new Error('kid')
    const candidates = keys.filter((k) => (kid === undefined || k.kid === kid) && k.algorithms.includes(alg as Algorithm))
    if (candidates.length !== 1) throw new Error('no key')
    return candidates[0]!.verifying
  }

  async function joseAccepts(token: string, mode: Mode): Promise<boolean> {
    try {
      await jwtVerify(token, joseKey, {
        issuer: setup.issuer,
        ...(mode === 'audience' ? { audience: setup.audience } : { maxTokenAge: MAX_AGE }),
        requiredClaims: ['tnd'],
        clockTolerance: TOLERANCE,
        currentDate: new Date(setup.now * 1000),
        algorithms: ALGS,
      })
      return true
    } catch {
      return false
    }
  }

  function hivegateAccepts(token: string, mode: Mode): boolean {
    try {
      verifiers[mode].verifySync(token, 'bearer')
      return true
    } catch {
      return false
    }
  }

  /** undefined when the verdicts agree or the difference is a listed strictness; otherwise what went wrong. */
  async function disagreement(token: string, mode: Mode): Promise<string | undefined> {
    const ours = hivegateAccepts(token, mode)
    const theirs = await joseAccepts(token, mode)
    if (ours === theirs) return undefined
    if (ours) return 'hivegate accepts what jose refuses'
    const reason = STRICTER.find((s) => s.applies(token, setup))
    if (reason === undefined) return 'hivegate refuses what jose accepts, for no listed reason'
    used.add(reason.name)
    return undefined
  }

  it('lists each deliberate strictness with its reason', () => {
    for (const s of STRICTER) expect(s.why.length, s.name).to.be.greaterThan(20)
  })

  it('agrees on every hostile token', async () => {
    const failures: string[] = []
    for (const hostile of await hostileTokens(setup)) {
      for (const mode of ['audience', 'aged'] as const) {
        const problem = await disagreement(hostile.token, mode)
        if (problem !== undefined) failures.push(`${hostile.name} (${mode}): ${problem}`)
      }
    }
    expect(failures).to.deep.equal([])
  })

  it(`agrees on ${GENERATED} seeded random tokens, well-formed and mangled`, async () => {
    const random = prng(SEED)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
    const now = setup.now
    const variations: Record<string, readonly unknown[]> = {
      exp: [now - 3600, now - 6, now - 5, now - 4, now, now + 4, now + 3600, undefined, String(now + 60), -1, 1e15, now + 0.5],
      nbf: [undefined, now + 3600, now + 6, now + 5, now + 4, now - 10, -1, 'soon'],
      iat: [now, now + 3600, now + 6, now + 5, undefined, -5, 1.5, now - MAX_AGE - 5, now - MAX_AGE - 6],
      iss: [setup.issuer, 'other.example', undefined, 5],
      aud: [setup.audience, 'other-api', [setup.audience, 'x'], ['x'], undefined, [setup.audience, 7], []],
      sub: ['someone', 5, undefined, null],
      jti: ['jti-r', 7, undefined, setup.revokedJti],
      tnd: [undefined, null, 'tenant-2', 0],
      per: [undefined, 'x', { london: { '*': 'Q' } }, { london: { 'a/*': 'CRUD' } }],
    }
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const ODD = ['=', '+', '/', ' ', '.', '\n', '\t', '!', 'é', '%']
    const previous: string[] = []
    const mangles: Record<string, (token: string) => string> = {
      'flip a character': (t) => {
        const i = Math.floor(random() * t.length)
        return t.slice(0, i) + pick([...B64]) + t.slice(i + 1)
      },
      'insert an odd character': (t) => {
        const i = Math.floor(random() * (t.length + 1))
        return t.slice(0, i) + pick(ODD) + t.slice(i)
      },
      'swap a part with another token': (t) => {
        const other = previous.length > 0 ? pick(previous).split('.') : ['', '', '']
        const parts = t.split('.')
        const k = Math.floor(random() * 3)
        parts[k] = other[k] ?? ''
        return parts.join('.')
      },
      'truncate': (t) => t.slice(0, t.length - 1 - Math.floor(random() * 8)),
      'append': (t) => t + pick(['=', '==', '.', '.x', 'A', ' ']),
      'drop a part': (t) => t.split('.').filter((_, i) => i !== Math.floor(random() * 3)).join('.'),
      'set unused trailing bits': (t) => {
        const last = B64.indexOf(t.charAt(t.length - 1))
        return t.slice(0, -1) + B64.charAt(last | 1)
      },
      'change the header alg': (t) => {
        const parts = t.split('.')
        const header = segmentJson(parts[0]!) ?? {}
        parts[0] = b64url(JSON.stringify({ ...header, alg: pick([...ALGS, 'none', 'NONE', 'hs256']) }))
        return parts.join('.')
      },
      'change the header kid': (t) => {
        const parts = t.split('.')
        const header = segmentJson(parts[0]!) ?? {}
        parts[0] = b64url(JSON.stringify({ ...header, kid: pick([undefined, 'unknown', 1, '', setup.secretKid, setup.rsa.kid, setup.ec.kid]) }))
        return parts.join('.')
      },
    }
    const raw: ReadonlyArray<(claims: string) => string> = [
      (c) => c.replace(/"exp":[0-9.e+-]+/, '"exp":1e400'),
      (c) => c.replace(/"iat":[0-9.e+-]+/, '"iat":-0'),
      (c) => `\ufeff${c}`,
      (c) => c.replace(/^\{/, '{"sub":"dup",'),
      (c) => c.replace(/^\{/, '{"__proto__":{"admin":true},'),
      (c) => ` \n${c}\t`,
      (c) => c.replace(/"tnd":"[^"]*"/, '"tnd":null'),
    ]

    const failures: string[] = []
    let acceptedByBoth = 0
    for (let i = 0; i < GENERATED; i++) {
      const alg = pick(ALGS)
      const key = keys.find((k) => k.algorithms.includes(alg))!
      const claims: Record<string, unknown> = validClaims(setup, { jti: `jti-${i}` })
      const changes = random() < 0.4 ? 0 : 1 + Math.floor(random() * 2)
      for (let c = 0; c < changes; c++) {
        const name = pick(Object.keys(variations))
        claims[name] = pick(variations[name]!)
      }
      let token: string
      let recipe = `#${i} ${alg} claims+${changes}`
      if (alg.startsWith('HS') && random() < 0.2) {
        const text = pick(raw)(JSON.stringify(claims))
        token = hmacToken(setup.secret, JSON.stringify({ alg, kid: key.kid }), text, alg)
        recipe += ' raw-json'
      } else {
        const kid = random() < 0.1 ? null : key.kid
        token = await mint({ alg, key: key.signing, kid, claims, now })
      }
      if (random() < 0.6) {
        const name = pick(Object.keys(mangles))
        token = mangles[name]!(token)
        recipe += ` mangled: ${name}`
      }
      previous.push(token)
      if (previous.length > 50) previous.shift()
      const mode: Mode = i % 3 === 2 ? 'aged' : 'audience'
      const problem = await disagreement(token, mode)
      if (problem !== undefined) failures.push(`${recipe} (${mode}): ${problem}`)
      else if (hivegateAccepts(token, mode)) acceptedByBoth++
    }
    expect(failures.slice(0, 10)).to.deep.equal([])
    // The stream must exercise both verdicts, not only refusals.
    expect(acceptedByBoth).to.be.greaterThan(GENERATED / 10)
  })

  it('needed every listed strictness at least once (the list is not stale)', () => {
    expect(STRICTER.map((s) => s.name).filter((name) => !used.has(name))).to.deep.equal([])
  })
})
