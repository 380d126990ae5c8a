import { viewProtocol, type RequestView } from '@hivegate/core'
import type { FastifyRequest } from 'fastify'

/**
 * The core view of a Fastify request. Cookies come from `request.cookies` when @fastify/cookie
 * parsed them before this hook; otherwise core reads the `Cookie` header itself. The origin check
 * compares against `request.host` and takes the scheme from `request.protocol`, which read
 * `X-Forwarded-Host`/`-Proto` (their last entry) only when `trustProxy` trusts the peer.
 */
export function toRequestView(request: FastifyRequest): RequestView {
  const { headers } = request
  const host = request.host
  const cookies = (request as { cookies?: unknown }).cookies
  return {
    headers: host === '' || host === headers.host ? headers : { ...headers, host },
    rawHeaders: request.raw.rawHeaders,
    cookies: typeof cookies === 'object' && cookies !== null ? (cookies as RequestView['cookies']) : undefined,
    url: request.originalUrl,
    method: request.method,
    protocol: viewProtocol(request.protocol),
    remoteAddress: request.raw.socket?.remoteAddress,
  }
}
