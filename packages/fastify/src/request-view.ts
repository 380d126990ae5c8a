import { viewProtocol, type RequestView } from '@hivegate/core'
import { DeferredRequestView, type DeferredFields } from '@hivegate/core/internal'
import type { FastifyRequest } from 'fastify'

// Read only by the origin check of a cookie and by the failure throttle.
const DEFERRED: DeferredFields<FastifyRequest> = Object.freeze({
  protocol: (request: FastifyRequest) => viewProtocol(request.protocol),
  remoteAddress: (request: FastifyRequest) => request.raw.socket?.remoteAddress,
})

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
  return new DeferredRequestView(
    host === '' || host === headers.host ? headers : { ...headers, host },
    request.raw.rawHeaders,
    typeof cookies === 'object' && cookies !== null ? (cookies as RequestView['cookies']) : undefined,
    request.originalUrl,
    request.method,
    request,
    DEFERRED,
  )
}
