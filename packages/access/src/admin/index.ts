import type { IncomingMessage, ServerResponse } from 'node:http'
import { AuthError, DEFAULT_COOKIE_NAME, isAuthError, systemClock, writeAuthError, type Clock, type OriginRule, type Verifier } from '@hivegate/core'
import { AccessError } from '../errors.js'
import type { AccessRegistry } from '../registry.js'
import { answerApi } from './api.js'
import { createCallers } from './caller.js'
import { createOperations } from './operations.js'
import { answerPage, pageError } from './page.js'
import { sendJson } from './respond.js'

/** Options of {@link createAccessAdmin}. */
export interface AccessAdminOptions {
  registry: AccessRegistry
  /** Verifies admin tokens: the gateway's or the app's own verifier (so revoked admins are refused too). */
  verifier: Verifier
  /** Where the page and the API live. Default `/hivegate/access`. */
  path?: string
  /** Permission realm of the admin objects `access/secrets`, `access/tokens`, `access/audit`. Default `hivegate`. */
  realm?: string
  /** Cookie set by the site's OAuth login, also accepted. Default `hg_token`. */
  loginCookie?: string
  /** Origins allowed to send cookie-authenticated changes. Default: the request's own host. */
  allowedOrigins?: OriginRule
  clock?: Clock
}

/** The admin surfaces: a Node request handler, also usable as Express middleware. */
export interface AccessAdmin {
  readonly path: string
  /** Answers requests under `path`; calls `next()` (or answers 404 without one) for any other. */
  handle(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void
}

export const ACCESS_ADMIN_DEFAULTS = Object.freeze({ path: '/hivegate/access', realm: 'hivegate', loginCookie: DEFAULT_COOKIE_NAME })
const ADMIN_COOKIE = 'hg_admin'

function string(value: unknown, name: string, rule: RegExp): string {
  if (typeof value !== 'string' || !rule.test(value)) throw new TypeError(`"${name}" must be a string matching ${rule}`)
  return value
}

/**
 * The access management page and its JSON API, authenticated by hivegate tokens that grant the
 * `access/*` objects of `realm` (C create, R read, U rotate or retire, D revoke).
 *
 * @example
 * ```ts
 * const admin = createAccessAdmin({ registry, verifier })
 * app.use(admin.handle) // Express; or http.createServer((req, res) => admin.handle(req, res))
 * ```
 */
export function createAccessAdmin(options: AccessAdminOptions): AccessAdmin {
  if (typeof options !== 'object' || options === null) throw new TypeError('access admin options must be an object')
  const { registry, verifier } = options
  if (typeof registry !== 'object' || registry === null || typeof registry.createToken !== 'function') throw new TypeError('"registry" must be an AccessRegistry')
  if (typeof verifier !== 'object' || verifier === null || typeof verifier.verify !== 'function') throw new TypeError('"verifier" must be a Verifier')
  const base = string(options.path ?? ACCESS_ADMIN_DEFAULTS.path, 'path', /^(\/[A-Za-z0-9._~-]+)+$/)
  const realm = string(options.realm ?? ACCESS_ADMIN_DEFAULTS.realm, 'realm', /^[^\s]{1,100}$/)
  const loginCookie = string(options.loginCookie ?? ACCESS_ADMIN_DEFAULTS.loginCookie, 'loginCookie', /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,100}$/)
  const clock = options.clock ?? systemClock
  const callers = createCallers({ verifier, realm, adminCookie: ADMIN_COOKIE, loginCookie, allowedOrigins: options.allowedOrigins })
  const ops = createOperations(registry, callers)
  const page = { base, adminCookie: ADMIN_COOKIE, ops, callers, clock }

  async function answer(req: IncomingMessage, res: ServerResponse, route: string, url: URL): Promise<boolean> {
    const api = route === '/api' || route.startsWith('/api/')
    try {
      if (!api) return await answerPage(req, res, route, page)
      const caller = await callers.identify(req)
      if (caller === undefined) return writeAuthError(res, new AuthError('credentials_required'), { realm }), true
      return await answerApi(req, res, route.slice(4), url, caller, ops, callers)
    } catch (err) {
      if (res.headersSent) return res.destroy(), true
      if (err instanceof AccessError) {
        if (api) sendJson(res, err.status, { error: err.code, error_description: err.message, ...(err.field !== undefined && { field: err.field }) })
        else pageError(res, base, err.status, err.message)
      } else if (isAuthError(err)) {
        if (api) writeAuthError(res, err, { realm })
        else pageError(res, base, err.status, err.message)
      } else if (api) {
        sendJson(res, 500, { error: 'server_error', error_description: 'The access registry failed' })
      } else {
        pageError(res, base, 500, 'The access registry failed.')
      }
      return true
    }
  }

  return {
    path: base,
    handle(req, res, next) {
      const url = new URL(req.url ?? '/', 'http://admin.invalid')
      const inside = url.pathname === base || url.pathname.startsWith(`${base}/`)
      const miss = (): void => {
        if (next !== undefined) return next()
        sendJson(res, 404, { error: 'not_found', error_description: 'No such page' })
      }
      if (!inside) return miss()
      answer(req, res, url.pathname.slice(base.length), url).then(
        (answered) => {
          if (!answered) sendJson(res, 404, { error: 'not_found', error_description: 'No such admin route' })
        },
        () => res.destroy(),
      )
    },
  }
}

/** The admin surfaces as Koa middleware. */
export function koaAccessAdmin(admin: AccessAdmin) {
  return async (ctx: { req: IncomingMessage; res: ServerResponse; path: string; respond?: boolean }, next: () => Promise<unknown>): Promise<void> => {
    if (ctx.path !== admin.path && !ctx.path.startsWith(`${admin.path}/`)) {
      await next()
      return
    }
    ctx.respond = false
    await new Promise<void>((resolve) => {
      ctx.res.once('finish', resolve)
      ctx.res.once('close', resolve)
      admin.handle(ctx.req, ctx.res)
    })
  }
}
