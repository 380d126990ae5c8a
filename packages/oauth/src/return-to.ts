import { LoginError } from './errors.js'

// Control characters and backslashes: browsers treat '\' as '/', turning '/\evil' into '//evil'.
const UNSAFE = /[\u0000-\u001f\u007f\\]/

/**
 * The same-origin path a login returns to: `value` as a path (or an absolute URL on `origin`),
 * re-serialised from `origin` so it can never name another host. `undefined` gives `fallback`.
 *
 * @throws LoginError `invalid_return_to`
 */
export function sameOriginReturnTo(value: string | undefined, origin: string, fallback: string, maxLength: number): string {
  if (value === undefined || value === '') return fallback
  if (value.length > maxLength || UNSAFE.test(value)) throw new LoginError('invalid_return_to')
  if (!value.startsWith('/') && !value.toLowerCase().startsWith(`${origin.toLowerCase()}/`)) {
    throw new LoginError('invalid_return_to')
  }
  if (value.startsWith('//')) throw new LoginError('invalid_return_to')
  let url: URL
  try {
    url = new URL(value, `${origin}/`)
  } catch {
    throw new LoginError('invalid_return_to')
  }
  // Dot-segments can collapse into '//host' ('/.//evil'), which a Location reads as another host.
  if (url.origin !== origin || url.pathname.startsWith('//')) throw new LoginError('invalid_return_to')
  return `${url.pathname}${url.search}`
}
