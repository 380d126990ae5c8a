// Compile-only checks of core's public types: this file is type-checked by `npm run test:types`.
import {
  createAuthenticator,
  type DpopOptions,
  AuthError,
  AUTH_ERROR_CODES,
  createManualClock,
  createResolver,
  createRevocationList,
  createSigner,
  createVerifier,
  defineTokenSource,
  parseDuration,
  type AuthContext,
  type AuthErrorCode,
  type Claims,
  type ResolvedToken,
  type SyncVerifier,
  type VerifierOptions,
} from '@hivegate/core'

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

const code: AuthErrorCode = new AuthError('invalid_token').code
// @ts-expect-error: codes are a closed union
const wrong: AuthErrorCode = 'no_such_code'
// @ts-expect-error: the constructor takes a code, not free text
new AuthError('something went wrong')
const everyCode: readonly AuthErrorCode[] = AUTH_ERROR_CODES
const union: Equals<
  AuthErrorCode,
  | 'credentials_required'
  | 'invalid_request'
  | 'invalid_token'
  | 'token_expired'
  | 'token_revoked'
  | 'insufficient_permission'
  | 'insufficient_user_authentication'
  | 'too_many_failures'
  | 'origin_not_allowed'
  | 'keys_unavailable'
  | 'server_busy'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
> = true
void [code, wrong, everyCode, union]

// The one AuthContext every adapter hands out.
declare const auth: AuthContext
const shape: {
  token: string
  source: string
  claims: Readonly<Claims>
  subject: string | undefined
  tenant: string | undefined
  expiresAt: number | undefined
  can: (realm: string, object: string, action: string) => boolean
  providesData: (realm: string, object: string) => boolean
} = auth
// @ts-expect-error: an AuthContext is read-only
auth.subject = 'someone-else'
void shape

const clock = createManualClock()
const secrets = { 'kid-1': 'a'.repeat(32) }
const verifier: SyncVerifier = createVerifier({ issuer: 'platform.example', keys: { secrets }, clock, requiredClaims: ['tnd'] })
const verified: Promise<AuthContext> = verifier.verify('token', 'bearer')
const verifiedSync: AuthContext = verifier.verifySync('token')
void [verified, verifiedSync]

const options: VerifierOptions = { issuer: ['a', 'b'], audience: 'api', keys: { secrets }, maxTokenAge: '1h', cache: false }
createVerifier({ ...options, revocations: createRevocationList({ clock, max: 10 }), isRevoked: async (claims) => claims.jti === 'x' })
// @ts-expect-error: clockTolerance is a number of seconds
createVerifier({ ...options, clockTolerance: '5s' })
// @ts-expect-error: "none" is not an algorithm
createVerifier({ ...options, algorithms: ['none'] })
// @ts-expect-error: requiredClaims is a list of claim names
createVerifier({ ...options, requiredClaims: 'tnd' })
// @ts-expect-error: the cache is an object with max, or false
createVerifier({ ...options, cache: true })
// @ts-expect-error: keys.secrets maps kid to a secret
createVerifier({ ...options, keys: { secrets: ['a'.repeat(32)] } })
// @ts-expect-error: isRevoked receives the claims and answers a boolean
createVerifier({ ...options, isRevoked: (claims: Claims) => claims.jti })
// @ts-expect-error: unknown options are refused
createVerifier({ ...options, ignoreExpiration: true })

const signer = createSigner({ kid: 'kid-1', secret: secrets['kid-1'], issuer: 'platform.example', ttl: '15m', clock })
const token: string = signer.sign({ sub: 'johndoe', tnd: 'tenant-1' }, { ttl: 'never' })
// @ts-expect-error: ttl is seconds or a duration string
createSigner({ secret: secrets['kid-1'], ttl: new Date() })
void token

const seconds: number = parseDuration('1h')
void seconds
const found: ResolvedToken | null = createResolver({ sources: ['bearer', 'cookie'], cookieName: 'session' })({ headers: {} })
void found
// @ts-expect-error: sources are built-in names or TokenSource objects
createResolver({ sources: ['header'] })
defineTokenSource({ name: 'apiKey', read: () => ({ kind: 'none' }) })
// @ts-expect-error: a source outcome is none, token or malformed
defineTokenSource({ name: 'apiKey', read: () => ({ kind: 'maybe' }) })

// DPoP: the modes are a closed union; a store answers a boolean, at once or later.
const dpop: DpopOptions = { mode: 'required', replayStore: { add: async () => true }, nonce: { rotation: 60 } }
createAuthenticator({ issuer: 'platform.example', dpop })
// @ts-expect-error: no such mode
createAuthenticator({ issuer: 'platform.example', dpop: { mode: 'on' } })
