import { parse } from 'cookie'

const raw = (value: string): string => value

// RFC 6265 §4.1.1 allows a cookie-value wrapped in DQUOTEs; the `cookie` package keeps them.
function unquote(value: string): string {
  return value.length >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(value.length - 1) === 0x22 ? value.slice(1, -1) : value
}

/**
 * The cookies of a `Cookie` header, parsed with the `cookie` package the resolver uses: values as
 * sent (not percent-decoded), surrounding quotes removed, the first of a repeated name kept,
 * pairs without a name skipped. HTTP/2's one-header-per-cookie arrives as an array and is joined
 * with `'; '` (RFC 9113 §8.2.3). The result has no prototype.
 *
 * @example
 * ```ts
 * const cookies = parseCookies(req.headers.cookie)
 * const state = cookies['hg_login']
 * ```
 */
export function parseCookies(header: string | readonly string[] | undefined): Record<string, string> {
  const text = typeof header === 'string' ? header : Array.isArray(header) ? header.filter((h) => typeof h === 'string').join('; ') : ''
  const out = Object.create(null) as Record<string, string>
  if (text === '') return out
  const parsed = parse(text, { decode: raw })
  for (const name of Object.keys(parsed)) {
    const value = parsed[name]
    if (name !== '' && value !== undefined) out[name] = unquote(value)
  }
  return out
}
