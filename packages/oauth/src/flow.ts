import type { FlowHandler, ExpressLikeMiddleware, KoaLikeMiddleware } from './mount.js'

/** A mounted login flow: its routes, a framework-free handler, and the framework glue. */
export interface LoginFlow {
  /** Full paths of the routes: `login` (GET), `callback`, `logout` (GET or POST). */
  readonly paths: Readonly<{ login: string; callback: string; logout: string }>
  /** Answers a FlowRequest for one of the routes; undefined for any other path. Rejects on failure. */
  readonly handle: FlowHandler
  /** Express 4/5 middleware: `app.use(login.express())`. */
  express(): ExpressLikeMiddleware
  /** Koa 2/3 middleware: `app.use(login.koa())`; with @koa/router, `router.all(path, login.koa())` for each of `paths`. */
  koa(): KoaLikeMiddleware
}
