import type { Claims } from '@hivegate/core'
import type { FlowRequest } from '../http.js'
import type { CommonLoginOptions } from '../options.js'
import type { UserSessionWithSecrets } from './session-data.js'

/** What {@link HivempLoginOptions.onSession} receives after a login is verified. */
export interface HivempSessionEvent {
  /** The verified provider session, `apiKey` included: store it only if the app needs it. */
  session: UserSessionWithSecrets
  /** The claims of the hivegate session token just minted. */
  claims: Readonly<Claims>
  request: FlowRequest
}

/** Options of {@link hivempLogin}. */
export interface HivempLoginOptions extends CommonLoginOptions {
  /** The project's public API key, sent as `client_id`. */
  clientId: string
  /** The project id `GET /project/public` must return. */
  projectId: string
  /** The project's website URL; the redirect URI must be it or below it. */
  websiteUrl: string
  /**
   * Where the provider sends the browser back. Each login appends a random path segment
   * (`<redirectUri>/<value>`) bound to its login cookie, so the callback answers only
   * `<redirectUri>/<value>`. Validated at construction and on every login.
   */
  redirectUri: string
  /**
   * Use `redirectUri` itself as the callback, with no per-login value: **allows login CSRF** (another
   * site can sign a visitor in as the attacker). Only for a provider project that cannot accept a
   * redirect URI below the registered one. Default false.
   */
  insecureFixedCallback?: boolean
  /** `tnd` of the session token. Default: `projectId`. */
  tenant?: string
  /** Sent as `requested_role`, and put in the token as `role`. */
  requestedRole?: string
  /** Sent as `show_legacy_login_link`. */
  showLegacyLoginLink?: boolean
  /** The provider's login page. Default `https://hivemp.com/oauth`. */
  authorizeUrl?: string
  /** The provider API base (`/project/public`, `/session` below it). Default `https://user-session-api.hivemp.com/v1`. */
  apiUrl?: string
  /** Timeout of each provider API call, ms. Default 5000. */
  providerTimeout?: number
  /** Largest provider API response, bytes. Default 65536. */
  maxProviderResponseSize?: number
  /** Largest callback POST body, bytes. Default 16384. */
  maxBodySize?: number
  /** Longest base64 session data, characters. Default 8192. */
  maxSessionDataLength?: number
  /** Runs after verification, before the cookie is set; a throw fails the login with `session_hook_failed`. */
  onSession?: (event: HivempSessionEvent) => void | Promise<void>
  /** The fetch used for provider calls. Default the global fetch. */
  fetch?: typeof fetch
}

/** Defaults of {@link HivempLoginOptions}, in one place. */
export const HIVEMP_DEFAULTS = Object.freeze({
  authorizeUrl: 'https://hivemp.com/oauth',
  apiUrl: 'https://user-session-api.hivemp.com/v1',
  providerTimeout: 5000,
  maxProviderResponseSize: 65536,
  maxBodySize: 16384,
  maxSessionDataLength: 8192,
  stateCookieName: 'hg_hivemp_login',
  insecureFixedCallback: false,
})
