import type { AuthenticationRequirement, Claims } from '@hivegate/core'
import type { IDToken, TokenEndpointResponse } from 'oauth4webapi'
import type { FlowRequest } from '../http.js'
import type { CommonLoginOptions } from '../options.js'

/** Claims a provider's ID token maps to: `sub` and `tnd` are required, `per` and `dpv` optional. */
export type SessionClaims = Claims & { sub: string; tnd: string }

/** What {@link OidcLoginOptions.mapClaims} receives. */
export interface ClaimsMappingContext {
  /** The provider's token response (access token included); never put it in the session token. */
  tokens: Readonly<TokenEndpointResponse>
  request: FlowRequest
}

/** Maps the validated ID token to hivegate session claims; return null to refuse the account. */
export type ClaimsMapper = (
  idToken: Readonly<IDToken>,
  context: ClaimsMappingContext,
) => SessionClaims | null | undefined | Promise<SessionClaims | null | undefined>

/** Options of {@link oidcLogin}. */
export interface OidcLoginOptions extends CommonLoginOptions {
  /** Issuer identifier; `<issuer>/.well-known/openid-configuration` is discovered. */
  issuer: string
  clientId: string
  /** Client secret; omitted for a public client (PKCE only). */
  clientSecret?: string
  /** How the client authenticates at the token endpoint. Default `client_secret_basic` with a secret, else `none`. */
  clientAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none'
  /** The callback route, registered with the provider. */
  redirectUri: string
  /** Scopes requested. Default `'openid'`. */
  scope?: string
  /**
   * Step-up (RFC 9470, OpenID Connect `acr_values`/`max_age`): what every login asks of the
   * provider and checks on the returned ID token. The login route's `acr_values` and `max_age`
   * query parameters may narrow it for one login (acr values among these, a shorter `max_age`);
   * without this option they may ask for anything. The session token carries `acr` and `auth_time`.
   */
  authentication?: AuthenticationRequirement
  /** Extra authorization request parameters (e.g. `prompt`); cannot replace the protocol ones. */
  authorizationParams?: Record<string, string>
  /** `tnd` for the default mapping (`sub` from the ID token). Required unless `mapClaims` is given. */
  tenant?: string
  /** Provider claims → hivegate claims. Default `{ sub: idToken.sub, tnd: tenant }`. */
  mapClaims?: ClaimsMapper
  /** Timeout of each provider request (discovery, token), ms. Default 5000. */
  timeout?: number
  /** Runs after the claims are mapped, before the cookie is set; a throw fails the login with `session_hook_failed`. */
  onSession?: (event: { claims: Readonly<Claims>; idToken: Readonly<IDToken>; tokens: Readonly<TokenEndpointResponse>; request: FlowRequest }) => void | Promise<void>
}

/** Defaults of {@link OidcLoginOptions}, in one place. */
export const OIDC_DEFAULTS = Object.freeze({ scope: 'openid', timeout: 5000, stateCookieName: 'hg_oidc_login' })

/** Registered claims the signer sets; a mapping may not choose them. */
export const SIGNER_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'nbf', 'jti'] as const
