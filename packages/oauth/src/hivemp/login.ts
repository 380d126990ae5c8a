import { randomBytes } from 'node:crypto'
import type { Claims } from '@hivegate/core'
import { LoginError } from '../errors.js'
import { isSameOriginPost } from '../fetch-metadata.js'
import { createLoginFlow, equalSecret, type LoginFlow } from '../flow.js'
import { redirect, type FlowRequest, type FlowResponse } from '../http.js'
import { optionalFunction, positiveInteger, requiredString, resolveCommon } from '../options.js'
import { validateRedirectUri } from '../redirect-uri.js'
import { parseEndpoint } from '../url-rules.js'
import { callbackKeyOf, isKeyedCallbackPath, keyedRedirectUri, newCallbackKey } from './callback-key.js'
import { callbackPage } from './callback-page.js'
import { HIVEMP_DEFAULTS, type HivempLoginOptions } from './options.js'
import { decodeSessionData } from './session-data.js'
import { verifySessionWithProvider } from './verify-session.js'

/**
 * The HiveMP login: `<base>/login` sends the browser to the provider, the callback page posts
 * the `#session=` data back, the server verifies it with the provider API and sets the hivegate
 * session cookie; `<base>/logout` clears it. Each login's redirect URI is `<redirectUri>/<value>`,
 * a random value bound to the login cookie (the provider echoes no `state`).
 *
 * @example
 * ```ts
 * const login = hivempLogin({ clientId, projectId, websiteUrl: 'https://game.example/',
 *   redirectUri: 'https://game.example/auth/callback', session: { secret, kid: 'web', ttl: '1h' } })
 * app.use(login.express()) // GET /auth/login, GET+POST /auth/callback/<value>, /auth/logout
 * ```
 */
export function hivempLogin(options: HivempLoginOptions): LoginFlow {
  if (typeof options !== 'object' || options === null) throw new TypeError('hivempLogin options must be an object')
  const common = resolveCommon(options)
  const dev = { allowHttpLocalhost: common.allowHttpLocalhost }
  const clientId = requiredString(options.clientId, 'clientId')
  const projectId = requiredString(options.projectId, 'projectId')
  const tenant = options.tenant === undefined ? projectId : requiredString(options.tenant, 'tenant')
  const role = options.requestedRole === undefined ? undefined : requiredString(options.requestedRole, 'requestedRole')
  const website = parseEndpoint(options.websiteUrl, 'websiteUrl', dev)
  const redirectUri = requiredString(options.redirectUri, 'redirectUri')
  const check = validateRedirectUri(redirectUri, website, dev)
  if (!check.ok) throw new TypeError(`"redirectUri" is not valid: ${check.reason}`)
  const callbackUrl = new URL(redirectUri)
  const fixed = options.insecureFixedCallback ?? HIVEMP_DEFAULTS.insecureFixedCallback
  if (typeof fixed !== 'boolean') throw new TypeError('"insecureFixedCallback" must be a boolean')
  if (!fixed && callbackUrl.pathname.endsWith('/')) {
    throw new TypeError('"redirectUri" must not end with "/": each login adds its own path segment below it')
  }
  const authorizeUrl = parseEndpoint(options.authorizeUrl ?? HIVEMP_DEFAULTS.authorizeUrl, 'authorizeUrl', dev)
  const apiUrl = parseEndpoint(options.apiUrl ?? HIVEMP_DEFAULTS.apiUrl, 'apiUrl', dev)
  if (options.showLegacyLoginLink !== undefined && typeof options.showLegacyLoginLink !== 'boolean') {
    throw new TypeError('"showLegacyLoginLink" must be a boolean')
  }
  const providerCall = {
    apiUrl,
    timeout: positiveInteger(options.providerTimeout, 'providerTimeout', HIVEMP_DEFAULTS.providerTimeout),
    maxResponseSize: positiveInteger(options.maxProviderResponseSize, 'maxProviderResponseSize', HIVEMP_DEFAULTS.maxProviderResponseSize),
    fetch: optionalFunction<typeof fetch>(options.fetch, 'fetch') ?? globalThis.fetch,
  }
  const maxBodySize = positiveInteger(options.maxBodySize, 'maxBodySize', HIVEMP_DEFAULTS.maxBodySize)
  const maxSessionDataLength = positiveInteger(options.maxSessionDataLength, 'maxSessionDataLength', HIVEMP_DEFAULTS.maxSessionDataLength)
  const onSession = optionalFunction<NonNullable<HivempLoginOptions['onSession']>>(options.onSession, 'onSession')
  const setup = {
    common,
    session: options.session,
    site: website,
    callbackPath: callbackUrl.pathname,
    basePath: options.basePath,
    stateCookieName: HIVEMP_DEFAULTS.stateCookieName,
    ...(!fixed && { matchCallback: (path: string) => isKeyedCallbackPath(path, callbackUrl.pathname) }),
  }

  return createLoginFlow<{ csrf: string; returnTo: string; key?: string }>(setup, ({ paths, state, returnTo, complete }) => {
    function login(req: FlowRequest): FlowResponse {
      const target = returnTo(req)
      const key = fixed ? undefined : newCallbackKey()
      const uri = key === undefined ? redirectUri : keyedRedirectUri(callbackUrl, key)
      // Re-checked per request: the rule, not just the configuration, guards what goes on the wire.
      if (!validateRedirectUri(uri, website, dev).ok) throw new LoginError('redirect_uri_invalid')
      const url = new URL(authorizeUrl)
      url.searchParams.set('client_id', clientId)
      url.searchParams.set('redirect_uri', uri)
      if (role !== undefined) url.searchParams.set('requested_role', role)
      if (options.showLegacyLoginLink !== undefined) url.searchParams.set('show_legacy_login_link', String(options.showLegacyLoginLink))
      const cookie = state.start({ csrf: randomBytes(24).toString('base64url'), returnTo: target, ...(key !== undefined && { key }) })
      return redirect(url.href, [cookie])
    }

    // The login cookie of this browser, refused unless the path carries the value /login put in it.
    function readPending(req: FlowRequest): ReturnType<typeof state.read> {
      const pending = state.read(req)
      if (fixed) return pending
      const key = callbackKeyOf(req.path, paths.callback)
      if (key === undefined || typeof pending.key !== 'string' || !equalSecret(key, pending.key)) throw new LoginError('state_mismatch')
      return pending
    }

    function showCallbackPage(req: FlowRequest): FlowResponse {
      const pending = readPending(req)
      return callbackPage(req.path, pending.csrf, randomBytes(16).toString('base64'))
    }

    async function finish(req: FlowRequest): Promise<FlowResponse> {
      if (!isSameOriginPost(req, website.origin)) throw new LoginError('origin_not_allowed')
      const form = await req.readForm(maxBodySize)
      const pending = readPending(req)
      if (!equalSecret(form.get('csrf') ?? '', pending.csrf)) throw new LoginError('csrf_mismatch')
      const session = decodeSessionData(form.get('session') ?? '', maxSessionDataLength)
      const nowSeconds = Math.floor(common.clock.now() / 1000)
      if (session.expiry <= nowSeconds) throw new LoginError('session_expired')
      if (session.projectId !== projectId) throw new LoginError('project_mismatch')
      state.consume(pending)
      const confirmed = await verifySessionWithProvider(session, projectId, providerCall)
      const claims: Claims = { sub: session.accountId, sid: session.id, tnd: tenant, ...(role !== undefined && { role }) }
      const notAfter = Math.min(session.expiry, confirmed.expiry ?? session.expiry)
      return complete(claims, pending.returnTo, { run: onSession, event: { session, claims, request: req } }, notAfter)
    }

    return { login, callback: showCallbackPage, callbackPost: finish }
  })
}
