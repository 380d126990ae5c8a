import type { RequestView } from '@hivegate/core'
import type { Request } from 'express'

/**
 * The core view of an Express request. Cookies are taken from `req.cookies` when a parser such
 * as cookie-parser filled it; otherwise core reads the `Cookie` header itself.
 */
export function toRequestView(req: Request): RequestView {
  const cookies = req.cookies as unknown
  return {
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    cookies: typeof cookies === 'object' && cookies !== null ? (cookies as RequestView['cookies']) : undefined,
    url: req.originalUrl,
    method: req.method,
  }
}
