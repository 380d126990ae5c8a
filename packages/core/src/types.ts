import type { JsonWebKey, KeyObject } from 'node:crypto'
import type { Clock } from './clock.js'
import type { DpopOptions } from './dpop/options.js'
import type { RequestView } from './request-view.js'

/** JWS algorithms hivegate verifies. `none` is not one of them, in any casing. */
export type Algorithm =
  | 'HS256' | 'HS384' | 'HS512'
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA'

/** `per`: realm pattern → object pattern → action letters (C, R, U, D). */
export type PermissionsClaim = Record<string, Record<string, string>>
/** `dpv`: realm pattern → object patterns this connection provides data for. */
export type DataProviderClaim = Record<string, string[]>

/** Payload of a verified token. Registered claims are checked; the rest is passed through. */
export interface Claims {
  iss?: string
  sub?: string
  aud?: string | string[]
  exp?: number
  nbf?: number
  iat?: number
  jti?: string
  /** Tenant id. */
  tnd?: string
  per?: PermissionsClaim
  dpv?: DataProviderClaim
  [claim: string]: unknown
}

/** Protected header of a compact JWS, as received (unverified until the signature is). */
export interface JwsHeader {
  alg: string
  kid?: string
  typ?: string
  crit?: string[]
  [parameter: string]: unknown
}

/** A public key in any form users hold one: PEM text, a JWK, or a `KeyObject`. */
export type PublicKeyInput = string | JsonWebKey | KeyObject
/** An HMAC secret: at least 32 bytes. */
export type SecretInput = string | Uint8Array | KeyObject

/** One key with the algorithms it may verify (HMAC keys never verify asymmetric tokens and the reverse). */
export interface VerificationKey {
  kid?: string
  key: KeyObject
  algorithms: readonly Algorithm[]
}

/** A key-lookup function: return the keys that may verify this token (empty when none). */
export type KeyLookup = (
  header: Readonly<JwsHeader>,
  claims: Readonly<Claims>,
) => VerificationKey | readonly VerificationKey[] | undefined | Promise<VerificationKey | readonly VerificationKey[] | undefined>

export interface RemoteJwksOptions {
  url: string | URL
  /** How long fetched keys are fresh, ms. Default 10 minutes. */
  cacheMaxAge?: number
  /** Minimum time between fetches caused by an unknown `kid`, ms. Default 30 s. */
  cooldown?: number
  /** Request timeout, ms. Default 5 s. */
  timeout?: number
  /** Largest response accepted, bytes. Default 512 KiB. */
  maxResponseSize?: number
  /**
   * Most entries in the set's `keys` array, counted before any is imported. Default 100. A larger
   * set is refused like an oversized response: a `jwks_fetch_failed` event, and the last good keys
   * keep serving within `staleIfError`.
   */
  maxKeys?: number
  /** How long the last good keys are still used while the endpoint fails, ms. Default 1 hour. */
  staleIfError?: number
  /** Extra request headers. */
  headers?: Record<string, string>
  /** Permit an `http:` URL (only sensible for loopback in tests). Default false. */
  allowHttp?: boolean
}

/** The keys of one issuer. Any combination; each key is bound to its algorithms. */
export interface KeySetOptions {
  /** HMAC secrets by `kid` (the platform's "secrets"). Each at least 32 bytes. */
  secrets?: Record<string, SecretInput>
  /** Remote JWKS: a URL or options. */
  jwks?: string | URL | RemoteJwksOptions
  /** A local JWKS document: at most 100 keys, one key per (kid, alg). */
  localJwks?: { keys: JsonWebKey[] }
  /** Public keys by `kid` (PEM, JWK or KeyObject). */
  publicKeys?: Record<string, PublicKeyInput>
  /**
   * A key-lookup function, tried after the keys above find nothing. One that answers without a
   * Promise (keys held in memory) keeps verification synchronous.
   */
  lookup?: KeyLookup
  /**
   * A number that grows whenever `lookup` may stop returning a key it returned before (a key
   * retired or removed). A cached verification made under another version is redone, so a
   * retired key stops verifying at once rather than when its tokens leave the cache.
   */
  lookupVersion?: () => number
}

/** Built-in revocation list by `jti`; revoking is how static tokens die. */
export interface RevocationList {
  /** Revokes `jti`; `until` (epoch ms, e.g. the token's exp) lets the entry be dropped later. */
  revoke(jti: string, until?: number): void
  /** Takes a revocation back. */
  restore(jti: string): void
  has(jti: string): boolean
  readonly size: number
  /** Called with each newly revoked `jti`; returns an unsubscribe function. */
  onRevoke(listener: (jti: string) => void): () => void
}

/** Something worth logging that happened outside any one request. Never carries a token or key. */
export type VerifierEvent =
  | { type: 'jwks_fetched'; url: string; keys: number }
  | { type: 'jwks_fetch_failed'; url: string; error: string }
  | { type: 'jwks_stale'; url: string; age: number }
  | { type: 'jwks_cooldown'; url: string; kid: string | undefined }

export interface VerifierOptions {
  /** Expected `iss` (one or several). Required unless `issuers` is given. */
  issuer?: string | readonly string[]
  /** Expected `aud`; a token must name one of them. */
  audience?: string | readonly string[]
  /** Keys of the issuer(s) above. */
  keys?: KeySetOptions
  /** Several issuers, each with its own keys, picked by `iss` before any signature work. */
  issuers?: Record<string, KeySetOptions>
  /** Algorithm allowlist. Default: every algorithm a configured key can verify. */
  algorithms?: readonly Algorithm[]
  /** Claims that must be present, e.g. `['tnd']`. */
  requiredClaims?: readonly string[]
  /** Seconds of leeway for exp, nbf and iat. Default 5. */
  clockTolerance?: number
  /** Refuse tokens whose `iat` is older than this: seconds or '1h'-style. */
  maxTokenAge?: number | string
  /** Longest token accepted, in characters, checked before any decoding. Default 8192. */
  maxTokenLength?: number
  /** Async revocation check, run on every verification (cached or not). */
  isRevoked?: (claims: Readonly<Claims>) => boolean | Promise<boolean>
  /** A revocation list to share between verifiers; one is created when omitted. */
  revocations?: RevocationList
  /** Extra claim rules: throw an AuthError (or return false) to refuse. */
  checkClaims?: (claims: Readonly<Claims>) => void | boolean | Promise<void | boolean>
  /** Verified-token cache. Default `{ max: 10000 }`; `false` switches it off. */
  cache?: false | { max?: number }
  /** Time source for claims, caches and timers. Default the system clock. */
  clock?: Clock
  /** Log hook for events outside a request (JWKS fetches, stale keys). */
  onEvent?: (event: VerifierEvent) => void
}

/** Who the caller is and what it may do; the same object in every adapter. */
export interface AuthContext {
  /** The token as received. Never log it. */
  readonly token: string
  /** Name of the source that carried it: 'cookie', 'bearer', 'authMessage', 'query', or a custom name. */
  readonly source: string
  readonly claims: Readonly<Claims>
  readonly subject: string | undefined
  readonly tenant: string | undefined
  /** Epoch ms of `exp`, or undefined for a token without one. */
  readonly expiresAt: number | undefined
  /**
   * Epoch ms of the first moment the verifier that accepted this token would refuse it on time
   * grounds: `exp` plus `clockTolerance`, or `iat` plus `maxTokenAge` plus `clockTolerance`,
   * whichever comes first (whole seconds, as the verifier compares). Undefined when neither
   * applies. Persistent connections close at it; the verified-token cache drops the token at it.
   */
  readonly validUntil: number | undefined
  /** Does `per` grant every letter of `action` on `object` in `realm`? */
  can(realm: string, object: string, action: string): boolean
  /** Does `dpv` list `object` in `realm`? */
  providesData(realm: string, object: string): boolean
}

/** A token source's character check, which a verifier may skip for a token it already proved (a cache hit). */
export interface TokenCheck {
  /** Does the token pass the source's own check? */
  passes(token: string): boolean
  /** The `invalid_request` reason when it does not. */
  readonly reason: string
}

export interface Verifier {
  /** Verifies a compact JWS; resolves to its AuthContext or rejects with an AuthError. */
  verify(token: string, source?: string): Promise<AuthContext>
  /**
   * The fast path, optional: any verifier that has it gets it from the authenticator. Returns the
   * AuthContext itself when nothing had to wait, else a Promise of it; a refusal known at once is
   * thrown as an AuthError, a later one rejects. `check` is the character check of the source that
   * carried the token, still due: refuse with `invalid_request` and its `reason` when the token
   * fails it, unless the token is one this verifier already proved. With `sync`, throw
   * `NotSynchronousError` rather than wait.
   */
  run?(token: string, source: string, check?: TokenCheck, sync?: boolean): AuthContext | Promise<AuthContext>
  readonly revocations: RevocationList
  readonly clock: Clock
}

/**
 * The verifier `createVerifier` returns: {@link Verifier} plus a synchronous variant for hot paths
 * whose keys are local (secrets, PEM/JWK keys, a local JWKS) and whose hooks are synchronous.
 */
export interface SyncVerifier extends Verifier {
  run(token: string, source: string, check?: TokenCheck, sync?: boolean): AuthContext | Promise<AuthContext>
  /**
   * Like `verify`, without a Promise: returns the AuthContext or throws an AuthError. Throws a
   * `TypeError` with code `ERR_HIVEGATE_NOT_SYNC` when the key store (remote JWKS, a key lookup)
   * or `isRevoked`/`checkClaims` returns a Promise for this token.
   */
  verifySync(token: string, source?: string): AuthContext
}

/** What a token source finds in a request. Discovery never throws; the resolver judges. */
export type SourceOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'malformed'; readonly reason: string }

/** A place a token may be carried. */
export interface TokenSource {
  readonly name: string
  read(view: RequestView): SourceOutcome
}

export type BuiltInSourceName = 'cookie' | 'bearer' | 'authMessage' | 'query'

export interface ResolverOptions {
  /** Sources in order. Default `['cookie', 'bearer', 'authMessage']`; `query` is opt-in. */
  sources?: ReadonlyArray<BuiltInSourceName | TokenSource>
  /** Cookie the `cookie` source reads. Default `hg_token`. */
  cookieName?: string
  /** Query parameter the `query` source reads. Default `token`. */
  queryParameter?: string
}

/** The token and where it came from. */
export interface ResolvedToken {
  readonly token: string
  readonly source: string
}

/** Finds the token of a request: null when none is carried; throws `invalid_request` when malformed. */
export type Resolver = (view: RequestView) => ResolvedToken | null

/** Who may send cookie-authenticated unsafe requests: exact origins, or a predicate. */
export type OriginRule = readonly string[] | ((origin: string) => boolean)

/** Options of {@link Authenticator}: a verifier (or its options) plus the resolver's and the adapters' own. */
export interface AuthenticatorOptions extends VerifierOptions, ResolverOptions {
  /** A verifier built elsewhere; excludes the verifier options. */
  verifier?: Verifier
  /** A request without credentials passes with no AuthContext; bad credentials still fail. */
  optional?: boolean
  /**
   * Origins allowed to send unsafe (POST, PUT, PATCH, DELETE) requests authenticated by the
   * cookie source, and WebSocket upgrades authenticated by cookie. Default: the request's own host.
   */
  allowedOrigins?: OriginRule
  /** Realm of the `WWW-Authenticate` challenge. */
  realm?: string
  /** DPoP-bound access tokens (RFC 9449): `{ mode: 'allowed' | 'required', … }`. Default off. */
  dpop?: DpopOptions
}

/** Per-call options of {@link Authenticator.authenticate}. */
export interface AuthenticateOptions {
  /**
   * When a cookie-authenticated request must pass the `allowedOrigins` check: `'unsafe-methods'`
   * (default: every method but GET, HEAD and OPTIONS) or `'always'` (WebSocket upgrades, which
   * are GETs a cross-site page can start: cross-site WebSocket hijacking).
   */
  checkOrigin?: 'always' | 'unsafe-methods'
}

/** The pipeline every adapter runs: resolve, verify, check origin. */
export interface Authenticator {
  readonly verifier: Verifier
  readonly resolve: Resolver
  readonly optional: boolean
  readonly realm: string | undefined
  /**
   * Resolves to the caller's AuthContext, or to undefined when `optional` and no credentials were
   * carried. Rejects with an AuthError whose `realm` is set.
   */
  authenticate(view: RequestView, options?: AuthenticateOptions): Promise<AuthContext | undefined>
  /**
   * `authenticate` without a Promise on the common path: returns the AuthContext (or undefined)
   * itself when nothing had to wait (a verifier from `createVerifier` with local keys and
   * synchronous hooks), else a native Promise of it. A refusal always comes as a rejected Promise,
   * never as a throw, so `result instanceof Promise` tells the two apart (a bad `options` value
   * throws a TypeError, as in `authenticate`). Same checks, same errors.
   */
  authenticateEager(view: RequestView, options?: AuthenticateOptions): AuthContext | undefined | Promise<AuthContext | undefined>
  /**
   * Like `authenticate`, synchronously: returns the AuthContext (or undefined) or throws an
   * AuthError. Throws a `TypeError` with code `ERR_HIVEGATE_NOT_SYNC` when verification would
   * have to wait (see `SyncVerifier.verifySync`) or the verifier has no `verifySync`.
   */
  authenticateSync(view: RequestView, options?: AuthenticateOptions): AuthContext | undefined
}
