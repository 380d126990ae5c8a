export { AuthError, isAuthError, AUTH_ERROR_CODES } from './errors.js'
export type { AuthErrorCode, AuthErrorOptions } from './errors.js'
export { systemClock, createManualClock } from './clock.js'
export type { Clock, ManualClock, TimerHandle } from './clock.js'
export { messageView } from './request-view.js'
export { incomingMessageView, viewProtocol } from './request-view.js'
export type { RequestView } from './request-view.js'
export type {
  Algorithm,
  AuthContext,
  Authenticator,
  AuthenticatorOptions,
  BuiltInSourceName,
  Claims,
  DataProviderClaim,
  JwsHeader,
  KeyLookup,
  KeySetOptions,
  OriginRule,
  PermissionsClaim,
  PublicKeyInput,
  RemoteJwksOptions,
  ResolvedToken,
  Resolver,
  ResolverOptions,
  RevocationList,
  SecretInput,
  SourceOutcome,
  TokenSource,
  VerificationKey,
  Verifier,
  VerifierEvent,
  VerifierOptions,
} from './types.js'
export { compilePermissions, MAX_PATTERN_LENGTH, MAX_PERMISSION_PATTERNS } from './permissions.js'
export type { CompiledPermissions } from './permissions.js'
export { createAuthContext } from './auth-context.js'
export { createVerifier } from './verifier.js'
export { VERIFIER_DEFAULTS } from './verifier-options.js'
export { NotSynchronousError } from './verifier-hooks.js'
export { createSigner } from './signer.js'
export type { Signer, SignerOptions, SignOverrides } from './signer.js'
export { createRevocationList } from './revocation.js'
export type { RevocationListOptions } from './revocation.js'
export { parseDuration } from './duration.js'
export type { SyncVerifier } from './types.js'
export {
  createResolver,
  resolveToken,
  defineTokenSource,
  RESOLVER_DEFAULTS,
  cookieSource,
  bearerSource,
  authMessageSource,
  querySource,
  parseAuthMessage,
  parseBearerCredentials,
  isCompactJws,
} from './resolver/index.js'
export { permissionGuard, dataProviderGuard } from './route-guard.js'
export type { Guard, GuardArgument } from './route-guard.js'
export { isPreflight } from './preflight.js'
export { createKeyStore, JWKS_DEFAULTS, ALGORITHMS } from './keys/index.js'
export type { KeyStore, KeyStoreOptions } from './keys/index.js'
export { isOriginAllowed, requestOrigin } from './origin.js'
export { assertPermission, assertDataProvider } from './guards.js'
export { createAuthenticator } from './authenticator.js'
export { AUTHENTICATOR_DEFAULTS, VERIFIER_OPTION_NAMES } from './authenticator-options.js'
export { writeAuthError, errorBody } from './http.js'
export type { WriteAuthErrorOptions } from './http.js'
export type { AuthenticateOptions } from './types.js'
export { createAdapterGate, checkGuard, ADAPTER_GATE_DEFAULTS } from './adapter-gate.js'
export type { AdapterGate, AdapterGateOptions, Refusal } from './adapter-gate.js'
export { createMemoryReplayStore, MEMORY_REPLAY_STORE_DEFAULTS } from './dpop/replay-store.js'
export type { DpopReplayStore, MemoryReplayStore, MemoryReplayStoreOptions } from './dpop/replay-store.js'
export { DPOP_DEFAULTS } from './dpop/options.js'
export type { DpopMode, DpopNonceOptions, DpopOptions } from './dpop/options.js'
export type { DpopChallenge } from './dpop/challenge.js'
