import { viewProtocol, type RequestView } from '@hivegate/core'
import { DeferredRequestView, type DeferredFields } from '@hivegate/core/internal'
import type { Request } from 'express'

type TrustProxy = (address: string | undefined, hop: number) => boolean

/**
 * The host the client asked for, as Express 5's `req.host` reads it: the first
 * `X-Forwarded-Host` value when `trust proxy` trusts the peer, else undefined (use `Host`).
 */
function forwardedHost(req: Request, value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string') return undefined
  // Optional: the middleware may run outside an Express app (e.g. on a bare router).
  const trust = (req.app as Request['app'] | undefined)?.get('trust proxy fn') as TrustProxy | undefined
  if (typeof trust !== 'function' || !trust(req.socket.remoteAddress, 0)) return undefined
  const first = value.split(',', 1)[0]!.trim()
  return first === '' ? undefined : first
}

/**
 * How the request arrived: `req.protocol`, which reads `X-Forwarded-Proto` only when `trust proxy`
 * trusts the peer; on a bare router (no Express request prototype), the socket's own TLS state.
 * Without the header `req.protocol` is the socket's state whatever `trust proxy` says, so the
 * getter (a trust evaluation per request) runs only when the header is there.
 */
function protocolOf(req: Request): RequestView['protocol'] {
  const name: unknown = req.headers['x-forwarded-proto'] === undefined || (req.app as Request['app'] | undefined) === undefined ? undefined : req.protocol
  return viewProtocol(name) ?? ((req.socket as { encrypted?: boolean } | undefined)?.encrypted === true ? 'https' : 'http')
}

// Read only by the origin check of a cookie and by the failure throttle.
const DEFERRED: DeferredFields<Request> = Object.freeze({
  protocol: protocolOf,
  remoteAddress: (req: Request) => req.socket?.remoteAddress,
})

/**
 * The core view of an Express request. Cookies are taken from `req.cookies` when a parser such
 * as cookie-parser filled it; otherwise core reads the `Cookie` header itself. Behind a proxy
 * that `trust proxy` trusts, the origin check compares against `X-Forwarded-Host`, as `req.host` does,
 * and takes the scheme from `X-Forwarded-Proto`, as `req.protocol` does.
 */
export function toRequestView(req: Request): RequestView {
  const cookies = req.cookies as unknown
  const { headers } = req
  const host = forwardedHost(req, headers['x-forwarded-host'])
  return new DeferredRequestView(
    host === undefined ? headers : { ...headers, host },
    req.rawHeaders,
    typeof cookies === 'object' && cookies !== null ? (cookies as RequestView['cookies']) : undefined,
    req.originalUrl,
    req.method,
    req,
    DEFERRED,
  )
}
