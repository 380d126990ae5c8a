// A cookie jar for driving logins with node's fetch: honours Path, Max-Age, Expires and Secure.

interface StoredCookie {
  name: string
  value: string
  host: string
  path: string
  secure: boolean
  httpOnly: boolean
  sameSite: string | undefined
  expiresAt: number | undefined
}

function defaultPath(url: URL): string {
  const path = url.pathname
  if (!path.startsWith('/') || path.lastIndexOf('/') === 0) return '/'
  return path.slice(0, path.lastIndexOf('/'))
}

// RFC 6265 §5.1.4 path-match.
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true
  if (!requestPath.startsWith(cookiePath)) return false
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/'
}

export class CookieJar {
  readonly #cookies: StoredCookie[] = []
  /** Epoch ms used for expiry; tests may move it. */
  now: () => number = () => Date.now()

  /** Stores the `Set-Cookie` headers of a response to `url`. */
  store(url: string | URL, response: Response): void {
    const target = new URL(url)
    for (const line of response.headers.getSetCookie()) this.#storeLine(target, line)
  }

  #storeLine(url: URL, line: string): void {
    const [pair = '', ...attributes] = line.split(';')
    const eq = pair.indexOf('=')
    if (eq <= 0) return
    const cookie: StoredCookie = {
      name: pair.slice(0, eq).trim(),
      value: pair.slice(eq + 1).trim(),
      host: url.hostname,
      path: defaultPath(url),
      secure: false,
      httpOnly: false,
      sameSite: undefined,
      expiresAt: undefined,
    }
    let maxAgeSeen = false
    for (const attribute of attributes) {
      const [rawKey = '', ...rest] = attribute.split('=')
      const key = rawKey.trim().toLowerCase()
      const value = rest.join('=').trim()
      if (key === 'path' && value.startsWith('/')) cookie.path = value
      else if (key === 'secure') cookie.secure = true
      else if (key === 'httponly') cookie.httpOnly = true
      else if (key === 'samesite') cookie.sameSite = value
      else if (key === 'max-age') {
        maxAgeSeen = true
        cookie.expiresAt = this.now() + Number(value) * 1000
      } else if (key === 'expires' && !maxAgeSeen) cookie.expiresAt = Date.parse(value)
    }
    const index = this.#cookies.findIndex((c) => c.name === cookie.name && c.host === cookie.host && c.path === cookie.path)
    if (index >= 0) this.#cookies.splice(index, 1)
    if (cookie.expiresAt !== undefined && cookie.expiresAt <= this.now()) return
    this.#cookies.push(cookie)
  }

  /** The cookies sent to `url`, longest path first (RFC 6265 §5.4). */
  matching(url: string | URL): StoredCookie[] {
    const target = new URL(url)
    const secureContext = target.protocol === 'https:' || target.hostname === '127.0.0.1' || target.hostname === 'localhost'
    return this.#cookies
      .filter((c) => c.host === target.hostname && pathMatches(target.pathname, c.path))
      .filter((c) => !c.secure || secureContext)
      .filter((c) => c.expiresAt === undefined || c.expiresAt > this.now())
      .sort((a, b) => b.path.length - a.path.length)
  }

  /** The `Cookie` header for `url`, or undefined when none applies. */
  header(url: string | URL): string | undefined {
    const cookies = this.matching(url)
    return cookies.length === 0 ? undefined : cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  }

  /** The stored cookie called `name` (any path), for assertions. */
  get(name: string): StoredCookie | undefined {
    return this.#cookies.find((c) => c.name === name && (c.expiresAt === undefined || c.expiresAt > this.now()))
  }

  /** Sets a cookie by hand, e.g. to replay or tamper with one. */
  set(url: string | URL, name: string, value: string, path = '/'): void {
    this.#storeLine(new URL(url), `${name}=${value}; Path=${path}`)
  }
}

/** A browser-like client: a jar plus fetch with redirects not followed. */
export class Browser {
  readonly jar = new CookieJar()

  /** One request with the jar's cookies; stores the response's cookies. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    const cookie = this.jar.header(url)
    if (cookie !== undefined && !headers.has('cookie')) headers.set('cookie', cookie)
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    this.jar.store(url, response)
    return response
  }

  /** GETs `url` and follows redirects while they stay on hosts in `hosts` (all when omitted); the last response and URL. */
  async follow(url: string | URL, options: { until?: (url: URL) => boolean; max?: number } = {}): Promise<{ response: Response; url: URL }> {
    let current = new URL(url)
    for (let hop = 0; hop < (options.max ?? 20); hop++) {
      const response = await this.fetch(current)
      const location = response.headers.get('location')
      if (response.status < 300 || response.status > 399 || location === null) return { response, url: current }
      await response.body?.cancel()
      const next = new URL(location, current)
      if (options.until?.(next) === true) return { response, url: next }
      current = next
    }
    throw new Error('too many redirects')
  }
}
