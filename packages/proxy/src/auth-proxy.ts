import type { IncomingMessage, ServerResponse } from 'node:http'
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { Duplex } from 'node:stream'
import { AuthError, writeAuthError, type AuthContext, type Authenticator } from '@hivegate/core'
import type { WsAuth } from '@hivegate/ws'
import { createProxyMiddleware, loggerPlugin, proxyEventsPlugin, type Plugin } from 'http-proxy-middleware'
import { removeQueryParameter, resolveStripCredentials, stripCredentials } from './credentials.js'
import { identityHeaderValues, removeSpoofedHeaders, resolveIdentityHeaders } from './identity.js'
import { createProxyGate } from './gate.js'
import { resolveProxyOptions, type AuthProxyOptions } from './options.js'
import { enforceRule } from './rules.js'
import { compileRoutes, matchRoute } from './routes.js'
import { answerUpstreamError, timeoutError } from './upstream-errors.js'
import { normaliseFraming, viewOf } from './request.js'
import { filterUpstreamResponse } from './response-headers.js'
import { grantContinue } from './continue.js'
import { createWsGateway } from './ws-gateway.js'

/** Connect-style middleware: works in `node:http`, Express and Connect. */
export type ProxyMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => Promise<void>

/** What {@link authProxy} returns. */
export interface AuthProxy {
  /** Authenticates, enforces the route rules, then proxies. */
  readonly middleware: ProxyMiddleware
  /** For `server.on('upgrade', gw.upgrade)`. */
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  /** The authenticator (and through it the verifier and its revocation list). */
  readonly authenticator: Authenticator
  /** The WebSocket side: connections by subject or tenant, quarantine size. Undefined with `websocket: false`. */
  readonly ws: WsAuth | undefined
  /** Closes every relayed WebSocket and the upstream connection pool. */
  close(): Promise<void>
}

/**
 * An authenticating gateway on http-proxy-middleware: every request is authenticated and checked
 * against the route rules before the upstream is contacted, and reaches it with identity headers.
 *
 * WebSockets always terminate at the gateway: upgrade-time credentials are checked (401/403 before
 * any upgrade), token-less connections wait in `@hivegate/ws` quarantine for an auth message, and
 * only a trusted connection gets an upstream WebSocket, relayed frame by frame.
 *
 * @example
 * ```ts
 * const gw = authProxy({
 *   target: 'http://127.0.0.1:4000',
 *   auth: { issuer: 'platform', keys: { secrets: { k1: process.env.SECRET! } } },
 *   routes: [{ path: '/public/*', public: true }, { path: '/realms/:realm/*', permission: [':realm', '*', 'R'] }],
 * })
 * const server = http.createServer(gw.middleware)
 * server.on('upgrade', gw.upgrade)
 * ```
 */
export function authProxy(options: AuthProxyOptions): AuthProxy {
  const resolved = resolveProxyOptions(options)
  const routes = compileRoutes(options.routes)
  const names = resolveIdentityHeaders(options.identityHeaders)
  const strip = resolveStripCredentials(options.stripCredentials)
  const gate = createProxyGate(options, resolved)
  const { authenticator } = gate
  const { cookieName, queryParameter } = authenticator
  const responseFilter = { names, cookieName, passAuthCookie: resolved.upstreamAuthCookie === 'pass' }
  const identities = new WeakMap<IncomingMessage, AuthContext>()
  const agent = resolved.target.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })

  const identityPlugin: Plugin = (proxyServer) => {
    proxyServer.on('proxyReq', (proxyReq, req) => {
      for (const name of proxyReq.getHeaderNames()) if (names.isReserved(name)) proxyReq.removeHeader(name)
      const auth = identities.get(req)
      if (auth !== undefined) for (const [name, value] of Object.entries(identityHeaderValues(auth, names))) proxyReq.setHeader(name, value)
      proxyReq.setTimeout(resolved.timeout, () => proxyReq.destroy(timeoutError()))
    })
    proxyServer.on('proxyRes', (proxyRes) => filterUpstreamResponse(proxyRes, responseFilter))
  }
  const errorPlugin: Plugin = (proxyServer) => {
    proxyServer.on('error', (err, req, res) => answerUpstreamError(err, req, res as ServerResponse))
  }
  const extra = options.proxy ?? {}
  const hpm = createProxyMiddleware<IncomingMessage, ServerResponse>({
    ...extra,
    target: resolved.target.href,
    changeOrigin: resolved.changeOrigin,
    agent,
    ws: false,
    // hpm's default error answer would race ours; its event and logger plugins are kept.
    ejectPlugins: true,
    plugins: [proxyEventsPlugin, loggerPlugin, identityPlugin, errorPlugin, ...(extra.plugins ?? [])],
  })

  async function middleware(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): Promise<void> {
    try {
      removeSpoofedHeaders(req, names)
      normaliseFraming(req.headers)
      const match = matchRoute(routes, req.method, req.url)
      const view = viewOf(req)
      if (match.rule?.public !== true && !gate.skips(view)) {
        const auth = await gate.authenticate(req, view)
        enforceRule(match, auth, authenticator.verifier.clock)
        if (auth !== undefined) identities.set(req, auth)
      }
      stripCredentials(req.headers, strip, cookieName)
      if (strip.query && req.url !== undefined) req.url = removeQueryParameter(req.url, queryParameter)
      grantContinue(req, res)
    } catch (err) {
      const refusal = gate.refusal(err)
      if (refusal.kind === 'respond') writeAuthError(res, refusal.error)
      else if (next !== undefined) next(refusal.error)
      else if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal_error"}')
      return
    }
    await hpm(req, res, next)
  }

  const websockets = resolved.websocket === false
    ? undefined
    : createWsGateway({ ...resolved, websocket: resolved.websocket, routes, names, strip, cookieName, queryParameter, authenticator })

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (websockets !== undefined) return websockets.upgrade(req, socket, head)
    socket.on('error', () => socket.destroy())
    writeAuthError(socket, new AuthError('invalid_request', 'WebSockets are not accepted here'))
  }

  let closing: Promise<void> | undefined
  async function shutDown(): Promise<void> {
    await websockets?.close()
    agent.destroy()
  }

  const close = (): Promise<void> => (closing ??= shutDown())

  return { middleware, upgrade, authenticator, ws: websockets?.ws, close }
}
