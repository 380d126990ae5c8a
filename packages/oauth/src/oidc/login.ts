import * as oauth from 'oauth4webapi'
import { LoginError } from '../errors.js'
import { createLoginFlow, equalSecret, type LoginFlow } from '../flow.js'
import { redirect, type FlowRequest, type FlowResponse } from '../http.js'
import { optionalFunction, positiveInteger, requiredString, resolveCommon } from '../options.js'
import { parseEndpoint } from '../url-rules.js'
import { createDiscovery, requestOptions } from './discovery.js'
import { createIdTokenSignatureCheck } from './id-token-signature.js'
import { mapSessionClaims } from './map-claims.js'
import { OIDC_DEFAULTS, type ClaimsMapper, type OidcLoginOptions } from './options.js'
import { providerFailure } from './provider-errors.js'
import { addStepUpParams, checkStepUp, createStepUpResolver, withAuthenticationClaims, type StepUpRequest } from './step-up.js'

const PROTOCOL_PARAMS = new Set(['client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'request', 'request_uri', 'acr_values', 'max_age'])

function clientAuthentication(options: OidcLoginOptions): oauth.ClientAuth {
  const method = options.clientAuthMethod ?? (options.clientSecret === undefined ? 'none' : 'client_secret_basic')
  if (method === 'none') return oauth.None()
  const secret = requiredString(options.clientSecret, 'clientSecret')
  if (method === 'client_secret_basic') return oauth.ClientSecretBasic(secret)
  if (method === 'client_secret_post') return oauth.ClientSecretPost(secret)
  throw new TypeError('"clientAuthMethod" must be client_secret_basic, client_secret_post or none')
}

/**
 * The OpenID Connect authorization-code flow with PKCE (S256), state and nonce, ending in the
 * hivegate session cookie. `state`, `nonce` and the code verifier travel in a sealed, short-lived
 * HttpOnly cookie the browser can neither read nor forge.
 *
 * @example
 * ```ts
 * const login = oidcLogin({ issuer: 'https://accounts.example', clientId: 'web', clientSecret,
 *   redirectUri: 'https://app.example/auth/oidc/callback', tenant: 'acme', session: { secret, kid: 'web' } })
 * app.use(login.express()) // GET /auth/oidc/login, /auth/oidc/callback, /auth/oidc/logout
 * ```
 */
export function oidcLogin(options: OidcLoginOptions): LoginFlow {
  if (typeof options !== 'object' || options === null) throw new TypeError('oidcLogin options must be an object')
  const common = resolveCommon(options)
  const dev = { allowHttpLocalhost: common.allowHttpLocalhost }
  const issuer = parseEndpoint(options.issuer, 'issuer', dev)
  const insecure = issuer.protocol === 'http:'
  const redirectUri = parseEndpoint(options.redirectUri, 'redirectUri', dev)
  if (redirectUri.hash !== '') throw new TypeError('"redirectUri" must not contain a fragment')
  const client: oauth.Client = { client_id: requiredString(options.clientId, 'clientId') }
  const auth = clientAuthentication(options)
  const scope = options.scope === undefined ? OIDC_DEFAULTS.scope : requiredString(options.scope, 'scope')
  if (!scope.split(' ').includes('openid')) throw new TypeError('"scope" must include openid')
  const extra = options.authorizationParams ?? {}
  for (const [name, value] of Object.entries(extra)) {
    if (PROTOCOL_PARAMS.has(name)) throw new TypeError(`"authorizationParams.${name}" is set by the flow itself`)
    if (typeof value !== 'string') throw new TypeError(`"authorizationParams.${name}" must be a string`)
  }
  const mapper = optionalFunction<ClaimsMapper>(options.mapClaims, 'mapClaims')
  const tenant = options.tenant === undefined ? undefined : requiredString(options.tenant, 'tenant')
  if (mapper === undefined && tenant === undefined) throw new TypeError('"tenant" is required unless "mapClaims" is given')
  const stepUp = createStepUpResolver(options.authentication)
  const onSession = optionalFunction<NonNullable<OidcLoginOptions['onSession']>>(options.onSession, 'onSession')
  const timeout = positiveInteger(options.timeout, 'timeout', OIDC_DEFAULTS.timeout)
  const discover = createDiscovery(issuer, insecure, timeout)
  const checkSignature = createIdTokenSignatureCheck(client.client_id, insecure, timeout, common.clock)
  const setup = {
    common,
    session: options.session,
    site: redirectUri,
    callbackPath: redirectUri.pathname,
    basePath: options.basePath,
    stateCookieName: OIDC_DEFAULTS.stateCookieName,
  }

  type Pending = { state: string; nonce: string; verifier: string; returnTo: string; startedAt: number; stepUp: StepUpRequest }
  return createLoginFlow<Pending>(setup, ({ state, returnTo, complete }) => {
    async function login(req: FlowRequest): Promise<FlowResponse> {
      const target = returnTo(req)
      const asked = stepUp(req)
      const as = await discover()
      if (as.authorization_endpoint === undefined) throw new LoginError('provider_error', 'The provider has no authorization endpoint')
      const verifier = oauth.generateRandomCodeVerifier()
      const startedAt = Math.floor(common.clock.now() / 1000)
      const pending = { state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce(), verifier, returnTo: target, startedAt, stepUp: asked }
      const url = new URL(as.authorization_endpoint)
      for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value)
      addStepUpParams(url, asked)
      url.searchParams.set('client_id', client.client_id)
      url.searchParams.set('redirect_uri', redirectUri.href)
      url.searchParams.set('response_type', 'code')
      url.searchParams.set('scope', scope)
      url.searchParams.set('state', pending.state)
      url.searchParams.set('nonce', pending.nonce)
      url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier))
      url.searchParams.set('code_challenge_method', 'S256')
      return redirect(url.href, [state.start(pending)])
    }

    async function callback(req: FlowRequest): Promise<FlowResponse> {
      const pending = state.read(req)
      if (!equalSecret(req.query.get('state') ?? '', pending.state)) throw new LoginError('state_mismatch')
      state.consume(pending)
      const as = await discover()
      let params: URLSearchParams
      try {
        params = oauth.validateAuthResponse(as, client, req.query, pending.state)
      } catch (err) {
        if (err instanceof oauth.AuthorizationResponseError) {
          throw new LoginError(err.error === 'access_denied' ? 'access_denied' : 'authorization_error', undefined, { cause: err })
        }
        throw new LoginError('authorization_error', 'The authorization response is not valid', { cause: err })
      }
      const request = requestOptions(insecure, timeout)
      let tokens: oauth.TokenEndpointResponse
      try {
        const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri.href, pending.verifier, request)
        tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce, requireIdToken: true })
      } catch (err) {
        throw providerFailure(err, 'token', request.signal)
      }
      const idToken = oauth.getValidatedIdTokenClaims(tokens)
      if (idToken === undefined || typeof tokens.id_token !== 'string') throw new LoginError('id_token_invalid')
      await checkSignature(as, tokens.id_token)
      checkStepUp(idToken, pending.stepUp, pending.startedAt)
      const claims = withAuthenticationClaims(await mapSessionClaims(idToken, { tokens, request: req }, mapper, tenant), idToken)
      return complete(claims, pending.returnTo, { run: onSession, event: { claims, idToken, tokens, request: req } })
    }

    return { login, callback }
  })
}
