// Token factory for tests. Tokens are minted with jose, independently of the code under test.
import { CompactSign, type CompactJWSHeaderParameters } from 'jose'
import { createSecretKey, type KeyObject } from 'node:crypto'

export const TEST_ISSUER = 'platform.test'
export const TEST_AUDIENCE = 'hivegate-test'

export interface MintOptions {
  alg?: string
  /** HMAC secret or private key. */
  key: Uint8Array | KeyObject
  kid?: string | null
  /** Extra or overriding protected-header parameters. */
  header?: Record<string, unknown>
  /** Claim overrides; a value of undefined removes the default claim. */
  claims?: Record<string, unknown>
  /** `now` in epoch seconds for the default iat/exp. */
  now?: number
}

/** Default claims of a valid Hivekit-style token, with `per` and `dpv`. */
export function defaultClaims(now = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    sub: 'johndoe',
    tnd: 'tenant-1',
    iat: now,
    exp: now + 3600,
    jti: `jti-${Math.random().toString(36).slice(2)}`,
    per: { london: { 'deliveryRiders/*': 'R', 'deliveryRides/johndoe-123': 'CU' } },
    dpv: { london: ['deliveryRides/johndoe-123'] },
  }
}

/** Signs a token; every claim defaulted, each overridable. */
export async function mint(options: MintOptions): Promise<string> {
  const alg = options.alg ?? 'HS256'
  const claims: Record<string, unknown> = { ...defaultClaims(options.now), ...options.claims }
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k]
  const header: CompactJWSHeaderParameters = { alg, typ: 'JWT', ...(options.header as Partial<CompactJWSHeaderParameters>) }
  if (options.kid !== null) header.kid = options.kid ?? 'kid-1'
  else delete header.kid
  const key = options.key instanceof Uint8Array ? createSecretKey(options.key) : options.key
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(header).sign(key)
}

/** base64url of a string or bytes, for hand-built hostile tokens. */
export function b64url(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url')
}

/** A compact JWS from raw parts, unsigned unless a signature is given: for hostile-input tests. */
export function rawToken(header: unknown, payload: unknown, signature = ''): string {
  const enc = (v: unknown) => b64url(typeof v === 'string' ? v : JSON.stringify(v))
  return `${enc(header)}.${enc(payload)}.${signature}`
}
