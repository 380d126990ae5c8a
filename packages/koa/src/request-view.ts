import { viewProtocol, type RequestView } from '@hivegate/core'
import { DeferredRequestView, type DeferredFields } from '@hivegate/core/internal'
import type { Context } from 'koa'

// Read only by the origin check of a cookie and by the failure throttle.
const DEFERRED: DeferredFields<Context> = Object.freeze({
  protocol: (ctx: Context) => viewProtocol(ctx.protocol),
  remoteAddress: (ctx: Context) => ctx.req.socket?.remoteAddress,
})

/**
 * The core view of a Koa request; core reads cookies from the `Cookie` header itself. With
 * `app.proxy` set, the origin check compares against the host Koa reads (`ctx.host`, the first
 * `X-Forwarded-Host`), as the app itself sees it; the scheme is `ctx.protocol`, which reads
 * `X-Forwarded-Proto` only with `app.proxy` set.
 */
export function toRequestView(ctx: Context): RequestView {
  const { req } = ctx
  const host = ctx.app.proxy ? ctx.host : ''
  return new DeferredRequestView(
    host === '' || host === req.headers.host ? req.headers : { ...req.headers, host },
    req.rawHeaders,
    undefined,
    ctx.originalUrl,
    // What `ctx.method` reads (Koa's setter writes it there too), without two getters per request.
    req.method,
    ctx,
    DEFERRED,
  )
}
