import { schemeProblem, type UrlRuleOptions } from './url-rules.js'

/** Result of {@link validateRedirectUri}. */
export type RedirectUriCheck = { ok: true } | { ok: false; reason: string }

/** Options of {@link validateRedirectUri}. */
export type RedirectUriOptions = UrlRuleOptions

// Escapes that could move the path after a naive prefix check: encoded '/', '\', '.', '%'.
const ENCODED_ESCAPE = /%(2f|5c|2e|25)/i
// Dot-segments before the URL parser collapses them: '/./', '/../', or at the end.
const DOT_SEGMENT = /(^|\/)\.{1,2}(\/|$)/
// Control characters, space and characters the URL parser silently drops or rewrites.
const UNSAFE_CHAR = /[\u0000-\u0020\u007f\\]/

function fail(reason: string): RedirectUriCheck {
  return { ok: false, reason }
}

function rawPath(text: string): string {
  const afterScheme = text.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/, '')
  return afterScheme.split(/[?#]/, 1)[0] ?? ''
}

/**
 * The HiveMP redirect-URI rule: `redirectUri` must use https (or http on localhost with
 * `allowHttpLocalhost`), have the website's scheme, host and port, carry no userinfo and no
 * fragment, and its path must equal the website's path or lie below it at a segment boundary
 * (`/some/path/x`, never `/some/pathology`), with no dot-segments, backslashes or encoded
 * slashes, dots or percents that could escape it.
 *
 * @example
 * ```ts
 * validateRedirectUri('https://game.example/auth/callback', 'https://game.example/') // { ok: true }
 * validateRedirectUri('https://game.example.evil/cb', 'https://game.example/')      // { ok: false, reason: 'host differs …' }
 * ```
 */
export function validateRedirectUri(
  redirectUri: string | URL,
  websiteUrl: string | URL,
  options: RedirectUriOptions = {},
): RedirectUriCheck {
  const rawRedirect = String(redirectUri)
  const rawWebsite = String(websiteUrl)
  if (rawRedirect.length > 2048) return fail('redirect URI is longer than 2048 characters')
  if (UNSAFE_CHAR.test(rawRedirect)) return fail('redirect URI contains a backslash, space or control character')
  let redirect: URL
  let website: URL
  try {
    website = new URL(rawWebsite)
  } catch {
    return fail('website URL is not an absolute URL')
  }
  try {
    redirect = new URL(rawRedirect)
  } catch {
    return fail('redirect URI is not an absolute URL')
  }
  const websiteScheme = schemeProblem(website, options)
  if (websiteScheme !== undefined) return fail(`website URL ${websiteScheme}`)
  const redirectScheme = schemeProblem(redirect, options)
  if (redirectScheme !== undefined) return fail(`redirect URI ${redirectScheme}`)
  if (redirect.username !== '' || redirect.password !== '' || /^[^:]+:\/\/[^/?#]*@/.test(rawRedirect)) {
    return fail('redirect URI must not contain userinfo')
  }
  if (rawRedirect.includes('#')) return fail('redirect URI must not contain a fragment')
  if (redirect.protocol !== website.protocol) return fail('scheme differs from the website URL')
  if (redirect.hostname !== website.hostname) return fail('host differs from the website URL')
  if (redirect.port !== website.port) return fail('port differs from the website URL')
  const path = rawPath(rawRedirect)
  if (ENCODED_ESCAPE.test(path)) return fail('redirect URI path contains an encoded slash, backslash, dot or percent')
  if (DOT_SEGMENT.test(path)) return fail('redirect URI path contains a dot-segment')
  const base = website.pathname.endsWith('/') ? website.pathname : `${website.pathname}/`
  const target = redirect.pathname
  if (target !== website.pathname && target !== base.slice(0, -1) && !target.startsWith(base)) {
    return fail('redirect URI path is not the website path or below it')
  }
  return { ok: true }
}
