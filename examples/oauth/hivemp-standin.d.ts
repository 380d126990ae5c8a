import type { UserSessionWithSecrets } from '@hivegate/oauth'

/** A session as the stand-in hands it out: the documented UserSessionWithSecrets. */
export type StandinSession = UserSessionWithSecrets

/** How an API endpoint misbehaves, for failure tests. */
export type ApiBehaviour = 'ok' | 'hang' | 'stall-body' | 'error' | 'bad-json' | 'wrong-id' | 'unauthorized'

export interface StandinOptions {
  /** The project: its id, public API key (the `client_id`) and website URL. */
  project: { id: string; publicKey: string; websiteUrl: string; name?: string }
  /** Account every login signs in as. Default `account-1`. */
  accountId?: string
  /** Session lifetime, seconds. Default 3600. */
  sessionTtl?: number
  /** Epoch ms. Default Date.now. */
  now?: () => number
  /** `profile` of new sessions. Default `{ displayName: 'Test Player' }`. */
  profile?: Record<string, unknown> | null
}

export interface HivempStandin {
  readonly url: string
  /** The provider's login page. */
  readonly authorizeUrl: string
  /** Base URL of the API (`/project/public`, `/session` below it). */
  readonly apiUrl: string
  /** Live sessions by API key. */
  readonly sessions: Map<string, StandinSession>
  /**
   * Misbehaviour per API path; every call is `ok` by default. `authorize: 'sign-in'` keeps /oauth
   * on a sign-in page, as for a visitor not signed in to HiveMP; `redirect` (default) signs in at once.
   */
  readonly behaviour: { authorize: 'redirect' | 'sign-in'; project: ApiBehaviour; session: ApiBehaviour }
  /** Query of each /oauth request, in order. */
  readonly authorizeRequests: URLSearchParams[]
  /** API calls received: path and the key sent. */
  readonly apiCalls: Array<{ path: string; apiKey: string | undefined }>
  /** Every request received: method, URL and Referer, as a server log would keep them. */
  readonly requestLog: Array<{ method: string; url: string; referer: string | undefined }>
  /** A new session of the configured account, registered with the API. */
  createSession(overrides?: Partial<StandinSession>): StandinSession
  close(): Promise<void>
}

/** base64 of the JSON, as the provider puts it in `#session=`. */
export declare function encodeSession(session: unknown): string

/** Starts the stand-in on 127.0.0.1, port 0. */
export declare function startHivempStandin(options: StandinOptions): Promise<HivempStandin>
