/** True for `localhost` and loopback addresses (127.0.0.0/8, ::1), the only hosts plain http is allowed for. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  if (host === 'localhost' || host === '[::1]') return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/** Options shared by the URL rules. */
export interface UrlRuleOptions {
  /** Permit `http:` for localhost and loopback addresses (development only). Default false. */
  allowHttpLocalhost?: boolean
}

/** Why `url` may not be used as an https endpoint, or undefined when it may. */
export function schemeProblem(url: URL, options: UrlRuleOptions = {}): string | undefined {
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:') {
    if (options.allowHttpLocalhost === true && isLoopbackHost(url.hostname)) return undefined
    return options.allowHttpLocalhost === true
      ? 'plain http is allowed only for localhost'
      : 'must use https (plain http needs "allowHttpLocalhost" and a localhost host)'
  }
  return `scheme ${url.protocol} is not allowed`
}

/** Parses an absolute https (or allowed http) URL for an option; throws a TypeError naming it. */
export function parseEndpoint(value: unknown, name: string, options: UrlRuleOptions = {}): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) throw new TypeError(`"${name}" must be an absolute URL string`)
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw new TypeError(`"${name}" must be an absolute URL string`)
  }
  const problem = schemeProblem(url, options)
  if (problem !== undefined) throw new TypeError(`"${name}" ${problem}`)
  if (url.username !== '' || url.password !== '') throw new TypeError(`"${name}" must not contain credentials`)
  return url
}
