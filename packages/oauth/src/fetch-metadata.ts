import type { FlowRequest } from './http.js'

/**
 * True unless the browser says the POST comes from another origin. The callback page's
 * `Referrer-Policy: no-referrer` makes browsers send `Origin: null` for its own form POST, so
 * `null` is accepted unless Fetch Metadata names any other site than this origin.
 */
export function isSameOriginPost(req: FlowRequest, origin: string): boolean {
  const site = req.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin') return false
  const sent = req.headers.origin
  return sent === undefined || sent === origin || sent === 'null'
}

/**
 * True when the browser marks the request as started by another site (a link, form or script
 * there), or a POST names a foreign `Origin`: a logout nobody on this site asked for.
 */
export function isCrossSiteRequest(req: FlowRequest, origin: string): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true
  const sent = req.headers.origin
  return req.method === 'POST' && sent !== undefined && sent !== origin && sent !== 'null'
}
