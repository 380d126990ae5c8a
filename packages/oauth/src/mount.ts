import type { IncomingMessage, ServerResponse } from 'node:http'
import { errorResponse, flowRequest, type FlowRequest, type FlowResponse } from './http.js'

/** Answers one of a flow's routes, or undefined when the request is not for it. */
export type FlowHandler = (req: FlowRequest) => Promise<FlowResponse | undefined>

/** The structural Express request the middleware needs (an Express 4 or 5 `req` is one). */
export type ExpressLikeRequest = IncomingMessage & { originalUrl?: string; body?: unknown }

/** An Express middleware (works with `app.use(path, …)` and `Router#use`). */
export type ExpressLikeMiddleware = (req: ExpressLikeRequest, res: ServerResponse, next: (err?: unknown) => void) => void

/** The structural Koa context the middleware needs (a Koa 2 or 3 `ctx` is one). */
export interface KoaLikeContext {
  req: IncomingMessage
  originalUrl: string
  request: { body?: unknown }
  status: number
  body: unknown
  set(field: string, value: string | string[]): void
}

/** A Koa middleware (`app.use(…)`, or a @koa/router route for each flow path). */
export type KoaLikeMiddleware = (ctx: KoaLikeContext, next: () => Promise<unknown>) => Promise<void>

/** Runs `handle`, turning any failure into its error response; `onError` sees the failure first. */
export async function answer(handle: FlowHandler, req: FlowRequest, onError?: (err: unknown) => void): Promise<FlowResponse | undefined> {
  try {
    return await handle(req)
  } catch (err) {
    try {
      onError?.(err)
    } catch {
      // A failing log hook must not change the answer.
    }
    return errorResponse(err, req)
  }
}

/** Express glue: routes by the full path, so it works at any mount point the redirect URI names. */
export function toExpress(handle: FlowHandler, onError?: (err: unknown) => void): ExpressLikeMiddleware {
  return (req, res, next) => {
    const view = flowRequest(req, req.originalUrl ?? req.url ?? '/', req.body)
    answer(handle, view, onError).then((out) => {
      if (out === undefined) return next()
      res.statusCode = out.status
      for (const [name, value] of Object.entries(out.headers)) res.setHeader(name, value)
      if (out.cookies.length > 0) res.setHeader('Set-Cookie', out.cookies)
      res.end(out.body)
    }, next)
  }
}

/** Koa glue: the same routes, on `ctx.originalUrl`. */
export function toKoa(handle: FlowHandler, onError?: (err: unknown) => void): KoaLikeMiddleware {
  return async (ctx, next) => {
    const view = flowRequest(ctx.req, ctx.originalUrl, ctx.request.body)
    const out = await answer(handle, view, onError)
    if (out === undefined) {
      await next()
      return
    }
    ctx.status = out.status
    for (const [name, value] of Object.entries(out.headers)) ctx.set(name, value)
    if (out.cookies.length > 0) ctx.set('Set-Cookie', out.cookies)
    ctx.body = out.body
  }
}
