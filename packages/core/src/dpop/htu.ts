import type { RequestView } from '../request-view.js'

// RFC 3986 §2.3: percent-encoded unreserved characters mean the characters themselves.
const UNRESERVED = /[A-Za-z0-9\-._~]/
const PERCENT = /%([0-9A-Fa-f]{2})/g

function normalizePercents(path: string): string {
  if (!path.includes('%')) return path
  return path.replace(PERCENT, (_, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16))
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`
  })
}

const HTTP_SCHEMES: Readonly<Record<string, string>> = { 'http:': 'http:', 'https:': 'https:' }
// An upgrade's URL names ws/wss (RFC 6455 §3); its HTTP form is the same resource.
const UPGRADE_SCHEMES: Readonly<Record<string, string>> = { ...HTTP_SCHEMES, 'ws:': 'http:', 'wss:': 'https:' }

/**
 * A URI in the form `htu` is compared in (RFC 9449 §4.3 check 9, RFC 3986 §6.2.2–6.2.3):
 * scheme and host lower-case, default port dropped, dot segments resolved, unreserved
 * percent-encodings decoded and the others upper-cased, query and fragment dropped, ws/wss as
 * http/https when `upgrade`. Undefined when it is no such absolute URI.
 */
export function normalizeHtu(text: string, upgrade: boolean): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  const scheme = (upgrade ? UPGRADE_SCHEMES : HTTP_SCHEMES)[url.protocol]
  if (scheme === undefined || url.host === '') return undefined
  // WHATWG URL already drops the scheme's default port; the ws form maps onto the same defaults.
  const port = url.port === '' || (scheme === 'http:' && url.port === '80') || (scheme === 'https:' && url.port === '443') ? '' : `:${url.port}`
  return `${scheme}//${url.hostname}${port}${normalizePercents(url.pathname)}`
}

/** True for a WebSocket upgrade request (RFC 6455 §4.1), whose proof may name its ws/wss URL. */
export function isUpgrade(view: RequestView): boolean {
  const upgrade = view.headers.upgrade
  return typeof upgrade === 'string' && upgrade.toLowerCase() === 'websocket'
}

/**
 * The URL the request was sent to, as the host sees it: the view's scheme, the `Host` header
 * (`:authority` over HTTP/2) and the request target. Undefined when there is no host.
 */
export function requestUrlOf(view: RequestView): string | undefined {
  const host = view.headers.host ?? view.headers[':authority']
  if (typeof host !== 'string' || host === '') return undefined
  const target = view.url ?? '/'
  const scheme = view.protocol === 'https' ? 'https' : 'http'
  // An origin-form target ('/path') goes after the host; an absolute-form one (a proxy's) stands alone.
  return target.startsWith('/') ? `${scheme}://${host}${target}` : target
}
