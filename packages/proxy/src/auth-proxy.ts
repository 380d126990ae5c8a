import type { IncomingMessage, ServerResponse } from 'node:http'
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { Duplex } from 'node:stream'
import {
  AuthError,
  createAuthenticator,
  isAuthError,
  isPreflight,
  writeAuthError,
  type AuthContext,
  type Authenticator,
  type RequestView,
} from '@hivegate/core'
import { createUpgradeHandler, type WsAuth } from '@hivegate/ws'
import { createProxyMiddleware, loggerPlugin, proxyEventsPlugin, type Plugin } from 'http-proxy-middleware'
import WebSocket, { WebSocketServer } from 'ws'
import { resolveStripCredentials, stripCredentials } from './credentials.js'
import { identityHeaderValues, removeSpoofedHeaders, resolveIdentityHeaders } from './identity.js'
import { resolveProxyOptions, type AuthProxyOptions } from './options.js'
import { enforceRule } from './rules.js'
import { compileRoutes, matchRoute, type RouteMatch } from './routes.js'
import { answerUpstreamError, timeoutError } from './upstream-errors.js'
import { upstreamHeaders, upstreamWebSocketUrl, wsAuthOptions } from './upstream-request.js'
import { relayWebSocket } from './ws-relay.js'

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

function viewOf(req: IncomingMessage): RequestView {
  return { headers: req.headers, rawHeaders: req.rawHeaders, url: req.url, method: req.method }
}

function asAuthError(err: unknown): AuthError | undefined {
  return isAuthError(err) ? err : undefined
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
  const authenticator = createAuthenticator(options.auth)
  const cookieName = options.auth.cookieName ?? 'hg_token'
  const identities = new WeakMap<IncomingMessage, AuthContext>()
  const agent = resolved.target.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })

  const identityPlugin: Plugin = (proxyServer) => {
    proxyServer.on('proxyReq', (proxyReq, req) => {
      for (const name of proxyReq.getHeaderNames()) if (names.isReserved(name)) proxyReq.removeHeader(name)
      const auth = identities.get(req)
      if (auth !== undefined) for (const [name, value] of Object.entries(identityHeaderValues(auth, names))) proxyReq.setHeader(name, value)
      proxyReq.setTimeout(resolved.timeout, () => proxyReq.destroy(timeoutError()))
    })
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
      const match = matchRoute(routes, req.method, req.url)
      const view = viewOf(req)
      if (match.rule?.public !== true && !(resolved.passPreflight && isPreflight(view))) {
        const auth = await authenticator.authenticate(view)
        enforceRule(match, auth)
        if (auth !== undefined) identities.set(req, auth)
      }
      stripCredentials(req.headers, strip, cookieName)
    } catch (err) {
      const authError = asAuthError(err)
      if (authError !== undefined) writeAuthError(res, authError)
      else if (next !== undefined) next(err)
      else if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal_error"}')
      return
    }
    await hpm(req, res, next)
  }

  const relays = new Set<() => void>()
  let wss: WebSocketServer | undefined
  let wsAuth: WsAuth | undefined
  const matches = new WeakMap<IncomingMessage, RouteMatch>()
  const wsOptions = resolved.websocket

  function startRelay(client: WebSocket, req: IncomingMessage, auth: AuthContext | undefined): void {
    if (wsOptions === false) return
    const headers = upstreamHeaders(req.headers, names)
    stripCredentials(headers, strip, cookieName)
    if (auth !== undefined) Object.assign(headers, identityHeaderValues(auth, names))
    const end = relayWebSocket(client, {
      url: upstreamWebSocketUrl(resolved.target, req.url),
      headers: headers as Record<string, string>,
      protocol: client.protocol || undefined,
      maxMessageSize: wsOptions.maxMessageSize,
      maxPendingBytes: wsOptions.maxPendingBytes,
      highWaterMark: wsOptions.highWaterMark,
      timeout: resolved.timeout,
    })
    relays.add(end)
    client.once('close', () => relays.delete(end))
  }

  if (wsOptions !== false) {
    wss = new WebSocketServer({ noServer: true, maxPayload: wsOptions.maxMessageSize, perMessageDeflate: false })
    wsAuth = createUpgradeHandler(wss, wsAuthOptions(options.auth, authenticator, wsOptions.quarantine))
    const trusted = wsAuth
    wss.on('connection', (client: WebSocket, req: IncomingMessage) => {
      const auth = trusted.authOf(client)
      try {
        enforceRule(matches.get(req) ?? { rule: undefined, params: {} }, auth)
      } catch (err) {
        const e = asAuthError(err)
        client.close(e?.closeCode ?? 1008, e?.message ?? '')
        return
      }
      startRelay(client, req, auth)
    })
  }

  async function checkUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (wss === undefined || wsAuth === undefined) throw new AuthError('invalid_request', 'WebSockets are not accepted here')
    removeSpoofedHeaders(req, names)
    const match = matchRoute(routes, 'GET', req.url)
    if (match.rule?.public === true) {
      wss.handleUpgrade(req, socket, head, (client) => startRelay(client, req, undefined))
      return
    }
    const view = viewOf(req)
    if (authenticator.resolve(view) !== null) {
      // Refuse with 401/403 before upgrading; the ws handler verifies again (a cache hit).
      enforceRule(match, await authenticator.authenticate(view, { checkOrigin: 'always' }))
    }
    matches.set(req, match)
    wsAuth.handleUpgrade(req, socket, head)
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy())
    checkUpgrade(req, socket, head).catch((err: unknown) => {
      const authError = asAuthError(err)
      if (authError !== undefined) writeAuthError(socket, authError)
      else socket.destroy()
    })
  }

  let closing: Promise<void> | undefined
  async function shutDown(): Promise<void> {
    for (const end of [...relays]) end()
    relays.clear()
    wsAuth?.close()
    await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()))
    agent.destroy()
  }

  const close = (): Promise<void> => (closing ??= shutDown())

  return { middleware, upgrade, authenticator, ws: wsAuth, close }
}
