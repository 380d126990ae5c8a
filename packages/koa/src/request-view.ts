import { viewProtocol, type RequestView } from '@hivegate/core'
import type { Context } from 'koa'

/**
 * The core view of a Koa request; core reads cookies from the `Cookie` header itself. With
 * `app.proxy` set, the origin check compares against the host Koa reads (`ctx.host`, the first
 * `X-Forwarded-Host`), as the app itself sees it; the scheme is `ctx.protocol`, which reads
 * `X-Forwarded-Proto` only with `app.proxy` set.
 */
export function toRequestView(ctx: Context): RequestView {
  const { req } = ctx
  const host = ctx.app.proxy ? ctx.host : ''
  return {
    headers: host === '' || host === req.headers.host ? req.headers : { ...req.headers, host },
    rawHeaders: req.rawHeaders,
    url: ctx.originalUrl,
    // What `ctx.method` reads (Koa's setter writes it there too), without two getters per request.
    method: req.method!,
    protocol: viewProtocol(ctx.protocol),
    remoteAddress: req.socket?.remoteAddress,
  }
}
