import type { RequestView } from './request-view.js'

/**
 * Is this a CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`?
 * Browsers never attach cookies or `Authorization` to one (Fetch standard, "CORS-preflight
 * request"), so an adapter configured to let preflights pass uses this to skip authentication.
 *
 * @example
 * ```ts
 * if (passPreflight && isPreflight(view)) return next()
 * ```
 */
export function isPreflight(view: RequestView): boolean {
  const { headers } = view
  return (
    view.method === 'OPTIONS' &&
    typeof headers['origin'] === 'string' &&
    typeof headers['access-control-request-method'] === 'string'
  )
}
