// A local stand-in of the HiveMP service, following its public docs: the /oauth page redirects to
// `redirect_uri#session=<base64 JSON of a UserSessionWithSecrets>`; `GET /project/public` and
// `GET /session` answer with the header `X-API-Key` set to a session's key.
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StandinSession {
  id: string
  accountId: string
  apiKey: string
  expiry: number
  start: number
  projectId: string
  metered: boolean
  billedMinutes: number
  profile: Record<string, unknown> | null
}

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
  readonly sessions: Map<string, StandinSession>
  /** Misbehaviour per API path; every call is `ok` by default. */
  readonly behaviour: { project: ApiBehaviour; session: ApiBehaviour }
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
export function encodeSession(session: unknown): string {
  return Buffer.from(JSON.stringify(session), 'utf8').toString('base64')
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** The documented rule: HTTPS, and equal to or below the project's website URL. */
function redirectAllowed(redirectUri: string, websiteUrl: string): boolean {
  let target: URL
  let site: URL
  try {
    target = new URL(redirectUri)
    site = new URL(websiteUrl)
  } catch {
    return false
  }
  if (target.protocol !== 'https:' && !(target.protocol === 'http:' && isLoopback(target.hostname))) return false
  if (target.origin !== site.origin || target.username !== '' || target.password !== '') return false
  const base = site.pathname.endsWith('/') ? site.pathname : `${site.pathname}/`
  return target.pathname === site.pathname || target.pathname.startsWith(base)
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json' }).end(text)
}

/** Starts the stand-in on 127.0.0.1, port 0. */
export async function startHivempStandin(options: StandinOptions): Promise<HivempStandin> {
  const now = options.now ?? Date.now
  const accountId = options.accountId ?? 'account-1'
  const ttl = options.sessionTtl ?? 3600
  const sessions = new Map<string, StandinSession>()
  const behaviour = { project: 'ok' as ApiBehaviour, session: 'ok' as ApiBehaviour }
  const authorizeRequests: URLSearchParams[] = []
  const apiCalls: Array<{ path: string; apiKey: string | undefined }> = []
  const requestLog: Array<{ method: string; url: string; referer: string | undefined }> = []

  function createSession(overrides: Partial<StandinSession> = {}): StandinSession {
    const start = Math.floor(now() / 1000)
    const session: StandinSession = {
      id: randomUUID(),
      accountId,
      apiKey: randomBytes(24).toString('hex'),
      expiry: start + ttl,
      start,
      projectId: options.project.id,
      metered: false,
      billedMinutes: 0,
      profile: options.profile === undefined ? { displayName: 'Test Player' } : options.profile,
      ...overrides,
    }
    sessions.set(session.apiKey, session)
    return session
  }

  function api(req: IncomingMessage, res: ServerResponse, path: 'project' | 'session'): void {
    const header = req.headers['x-api-key']
    const apiKey = typeof header === 'string' ? header : undefined
    apiCalls.push({ path, apiKey })
    const mode = behaviour[path]
    if (mode === 'hang') return
    if (mode === 'stall-body') return void res.writeHead(200, { 'Content-Type': 'application/json' }).write('{"id":')
    if (mode === 'error') return send(res, 500, { code: 5000, message: 'Internal error' })
    if (mode === 'bad-json') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"id":')
    if (mode === 'unauthorized') return send(res, 403, { code: 4030, message: 'Forbidden' })
    const session = apiKey === undefined ? undefined : sessions.get(apiKey)
    if (session === undefined || session.expiry <= Math.floor(now() / 1000)) {
      return send(res, 401, { code: 4010, message: 'The API key is not valid' })
    }
    if (path === 'project') {
      const id = mode === 'wrong-id' ? 'another-project' : options.project.id
      return send(res, 200, { id, name: options.project.name ?? 'Test project' })
    }
    const { apiKey: _secret, ...publicSession } = session
    return send(res, 200, { ...publicSession, id: mode === 'wrong-id' ? randomUUID() : session.id })
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin.invalid')
    requestLog.push({ method: req.method ?? 'GET', url: req.url ?? '/', referer: req.headers.referer })
    if (req.method === 'GET' && url.pathname === '/oauth') {
      authorizeRequests.push(url.searchParams)
      if (url.searchParams.get('client_id') !== options.project.publicKey) return send(res, 400, 'Unknown client_id')
      const redirectUri = url.searchParams.get('redirect_uri') ?? ''
      if (!redirectAllowed(redirectUri, options.project.websiteUrl)) return send(res, 400, 'redirect_uri is not allowed')
      const session = createSession()
      res.writeHead(302, { Location: `${redirectUri}#session=${encodeSession(session)}` }).end()
      return
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/project/public') return api(req, res, 'project')
    if (req.method === 'GET' && url.pathname === '/api/v1/session') return api(req, res, 'session')
    send(res, 404, 'Not found')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    authorizeUrl: `${url}/oauth`,
    apiUrl: `${url}/api/v1`,
    sessions,
    behaviour,
    authorizeRequests,
    apiCalls,
    requestLog,
    createSession,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
