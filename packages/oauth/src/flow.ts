import { createHash, timingSafeEqual } from 'node:crypto'
import type { Claims } from '@hivegate/core'
import { LoginError } from './errors.js'
import { isCrossSiteRequest } from './fetch-metadata.js'
import { redirect, type FlowRequest, type FlowResponse } from './http.js'
import { createLoginState, type LoginStateStore } from './login-state.js'
import { toExpress, toKoa, type FlowHandler, type ExpressLikeMiddleware, type KoaLikeMiddleware } from './mount.js'
import { resolvePaths, type ResolvedCommon } from './options.js'
import { sameOriginReturnTo } from './return-to.js'
import type { SealedData } from './seal.js'
import { createSessionIssuer, type SessionOptions } from './session.js'

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

/** What a flow decides before its steps exist: where it lives and how its cookies are set. */
export interface FlowSetup {
  common: ResolvedCommon
  session: SessionOptions | undefined
  /** The site: `returnTo` must stay on its origin, a logout must come from it; https makes cookies `Secure`. */
  site: URL
  /** Path of the redirect URI; the other routes sit beside it unless `basePath` is given. */
  callbackPath: string
  basePath: string | undefined
  /** Name of the short-lived login cookie. */
  stateCookieName: string
  /** Which request paths the callback steps answer. Default: `callbackPath` exactly. */
  matchCallback?: (path: string) => boolean
}

/** What a flow's steps share: the login cookie, the `returnTo` rule, and how a login ends. */
export interface FlowTools<T extends SealedData> {
  readonly paths: LoginFlow['paths']
  readonly state: LoginStateStore<T>
  /** The request's `returnTo`, validated as same-origin; the default when absent. */
  returnTo(req: FlowRequest): string
  /**
   * Mints the session cookie for `claims` (expiring no later than `notAfter`, Unix seconds), runs
   * the app's `onSession` hook, and sends the browser to `returnTo` with the login cookie cleared.
   * @throws LoginError `session_hook_failed` when the hook fails: no cookie is set then.
   */
  complete<E>(claims: Claims, returnTo: string, hook: { run: ((event: E) => void | Promise<void>) | undefined; event: E }, notAfter?: number): Promise<FlowResponse>
}

type Step = (req: FlowRequest) => FlowResponse | Promise<FlowResponse>

/** A flow's own routes: `login` answers GET/HEAD; the callback GET/HEAD and, when the flow posts back, POST. */
export interface FlowSteps {
  login: Step
  callback: Step
  callbackPost?: Step
}

/** Constant-time equality of two secret strings of any length. */
export function equalSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}

const isRead = (method: string): boolean => method === 'GET' || method === 'HEAD'

/**
 * Builds a LoginFlow from its steps: routes by path and method (405 otherwise), and owns logout,
 * which clears the session cookie unless another site asked for it.
 */
export function createLoginFlow<T extends SealedData>(setup: FlowSetup, steps: (tools: FlowTools<T>) => FlowSteps): LoginFlow {
  const { common } = setup
  const { origin } = setup.site
  const secure = setup.site.protocol === 'https:'
  const paths = resolvePaths(setup.callbackPath, setup.basePath)
  const sessions = createSessionIssuer(setup.session, secure, common.clock)
  const state = createLoginState<T>({
    sealer: common.sealer,
    cookieName: setup.stateCookieName,
    path: paths.base === '' ? '/' : paths.base,
    secure,
    ttlSeconds: common.loginTtl,
    maxPendingLogins: common.maxPendingLogins,
    clock: common.clock,
  })
  const returnTo = (req: FlowRequest): string =>
    sameOriginReturnTo(req.query.get('returnTo') ?? undefined, origin, common.defaultReturnTo, common.maxReturnToLength)
  const isCallback = setup.matchCallback ?? ((path: string): boolean => path === paths.callback)
  const routes = Object.freeze({ login: paths.login, callback: paths.callback, logout: paths.logout })
  const route = steps({
    paths: routes,
    state,
    returnTo,
    async complete(claims, target, hook, notAfter) {
      const issued = sessions.issue(claims, notAfter)
      if (hook.run !== undefined) {
        try {
          await hook.run(hook.event)
        } catch (err) {
          throw new LoginError('session_hook_failed', undefined, { cause: err })
        }
      }
      return redirect(target, [issued.cookie, state.clear()])
    },
  })

  const handle: FlowHandler = async (req) => {
    if (req.path === paths.login) {
      if (!isRead(req.method)) throw new LoginError('method_not_allowed')
      return route.login(req)
    }
    if (isCallback(req.path)) {
      if (isRead(req.method)) return route.callback(req)
      if (req.method === 'POST' && route.callbackPost !== undefined) return route.callbackPost(req)
      throw new LoginError('method_not_allowed')
    }
    if (req.path === paths.logout) {
      if (req.method !== 'GET' && req.method !== 'POST') throw new LoginError('method_not_allowed')
      if (isCrossSiteRequest(req, origin)) throw new LoginError('origin_not_allowed')
      return redirect(returnTo(req), [sessions.clear()])
    }
    return undefined
  }

  return {
    paths: routes,
    handle,
    express: () => toExpress(handle, common.onError),
    koa: () => toKoa(handle, common.onError),
  }
}
