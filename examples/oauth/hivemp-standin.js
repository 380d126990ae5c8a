// A local stand-in of the HiveMP service, written from its public docs: the /oauth page redirects to
// `redirect_uri#session=<base64 JSON of a UserSessionWithSecrets>`; `GET /project/public` and
// `GET /session` answer with the header `X-API-Key` set to a session's key. It signs every login in
// as one account, since it has no accounts of its own. The tests drive it too, through its
// `behaviour` knobs (see hivemp-standin.d.ts for the types).
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'

/**
 * base64 of the JSON, as the provider puts it in `#session=`.
 * @param {unknown} session
 */
export function encodeSession(session) {
  return Buffer.from(JSON.stringify(session), 'utf8').toString('base64')
}

/** @param {string} host */
function isLoopback(host) {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/**
 * The documented rule: HTTPS, and equal to or below the project's website URL.
 * @param {string} redirectUri
 * @param {string} websiteUrl
 */
function redirectAllowed(redirectUri, websiteUrl) {
  let target
  let site
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

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function send(res, status, body) {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json' }).end(text)
}

/** Starts the stand-in on 127.0.0.1, port 0; its options and handle are typed in hivemp-standin.d.ts. */
export async function startHivempStandin(options) {
  const now = options.now ?? Date.now
  const accountId = options.accountId ?? 'account-1'
  const ttl = options.sessionTtl ?? 3600
  const sessions = new Map()
  const behaviour = { authorize: 'redirect', project: 'ok', session: 'ok' }
  const authorizeRequests = []
  const apiCalls = []
  const requestLog = []

  function createSession(overrides = {}) {
    const start = Math.floor(now() / 1000)
    const session = {
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

  function api(req, res, path) {
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

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin.invalid')
    requestLog.push({ method: req.method ?? 'GET', url: req.url ?? '/', referer: req.headers.referer })
    if (req.method === 'GET' && url.pathname === '/oauth') {
      authorizeRequests.push(url.searchParams)
      if (url.searchParams.get('client_id') !== options.project.publicKey) return send(res, 400, 'Unknown client_id')
      const redirectUri = url.searchParams.get('redirect_uri') ?? ''
      if (!redirectAllowed(redirectUri, options.project.websiteUrl)) return send(res, 400, 'redirect_uri is not allowed')
      // A visitor not signed in to HiveMP stays on its sign-in page: the login has started, nothing came back yet.
      if (behaviour.authorize === 'sign-in') {
        return void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>HiveMP</title><h1>Sign in to HiveMP</h1>')
      }
      const session = createSession()
      res.writeHead(302, { Location: `${redirectUri}#session=${encodeSession(session)}` }).end()
      return
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/project/public') return api(req, res, 'project')
    if (req.method === 'GET' && url.pathname === '/api/v1/session') return api(req, res, 'session')
    send(res, 404, 'Not found')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}`
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
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
