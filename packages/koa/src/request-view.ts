import type { RequestView } from '@hivegate/core'
import type { Context } from 'koa'

/** The core view of a Koa request; core reads cookies from the `Cookie` header itself. */
export function toRequestView(ctx: Context): RequestView {
  const { req } = ctx
  return { headers: req.headers, rawHeaders: req.rawHeaders, url: ctx.originalUrl, method: ctx.method }
}
