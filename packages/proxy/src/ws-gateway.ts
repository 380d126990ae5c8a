import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { AuthError, writeAuthError, type AuthContext, type Authenticator, type AuthenticatorOptions } from '@hivegate/core'
import { createUpgradeHandler, type WsAuth } from '@hivegate/ws'
import { WebSocketServer, type WebSocket } from 'ws'
import { asAuthError, viewOf } from './request.js'
import { removeQueryParameter, stripCredentials, type CredentialStripping } from './credentials.js'
import { identityHeaderValues, removeSpoofedHeaders, type IdentityHeaders } from './identity.js'
import type { ResolvedProxyOptions } from './options.js'
import { enforceRule } from './rules.js'
import { matchRoute, type CompiledRoute, type RouteMatch } from './routes.js'
import { upstreamHeaders, upstreamWebSocketUrl, wsAuthOptions } from './upstream-request.js'
import { relayWebSocket } from './ws-relay.js'

/** What the WebSocket side shares with the HTTP side of one gateway. */
export interface WsGatewayContext extends ResolvedProxyOptions {
  websocket: Exclude<ResolvedProxyOptions['websocket'], false>
  routes: readonly CompiledRoute[]
  names: IdentityHeaders
  strip: CredentialStripping
  cookieName: string
  queryParameter: string
  authenticator: Authenticator
  auth: AuthenticatorOptions
}

/** The upgrade hook, the `@hivegate/ws` handle, and shutdown. */
export interface WsGateway {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  readonly ws: WsAuth
  close(): Promise<void>
}

/**
 * Terminates client WebSockets at the gateway: credentials at the upgrade are checked (and the
 * route rule enforced) before anything is upgraded; token-less connections wait in `@hivegate/ws`
 * quarantine; a trusted connection gets its own upstream WebSocket with identity headers.
 */
export function createWsGateway(ctx: WsGatewayContext): WsGateway {
  const { websocket, names, strip, cookieName, authenticator } = ctx
  const relays = new Set<() => void>()
  const matches = new WeakMap<IncomingMessage, RouteMatch>()
  const wss = new WebSocketServer({ noServer: true, maxPayload: websocket.maxMessageSize, perMessageDeflate: false })
  const wsAuth = createUpgradeHandler(wss, wsAuthOptions(ctx.auth, authenticator, websocket.quarantine))

  function startRelay(client: WebSocket, req: IncomingMessage, auth: AuthContext | undefined): void {
    const headers = upstreamHeaders(req.headers, names)
    stripCredentials(headers, strip, cookieName)
    if (auth !== undefined) Object.assign(headers, identityHeaderValues(auth, names))
    const end = relayWebSocket(client, {
      url: upstreamWebSocketUrl(ctx.target, strip.query && req.url !== undefined ? removeQueryParameter(req.url, ctx.queryParameter) : req.url),
      headers: headers as Record<string, string>,
      protocol: client.protocol || undefined,
      maxMessageSize: websocket.maxMessageSize,
      maxPendingBytes: websocket.maxPendingBytes,
      highWaterMark: websocket.highWaterMark,
      timeout: ctx.timeout,
    })
    relays.add(end)
    client.once('close', () => relays.delete(end))
  }

  wss.on('connection', (client: WebSocket, req: IncomingMessage) => {
    // 1013 Try Again Later (RFC 6455 §7.4.1 registry): full now, not refused for good.
    if (relays.size >= websocket.maxRelays) return void client.close(1013, 'Too many connections')
    const auth = wsAuth.authOf(client)
    try {
      enforceRule(matches.get(req) ?? { rule: undefined, params: {} }, auth, authenticator.verifier.clock)
    } catch (err) {
      const e = asAuthError(err)
      client.close(e?.closeCode ?? 1008, e?.message ?? '')
      return
    }
    startRelay(client, req, auth)
  })

  async function check(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    removeSpoofedHeaders(req, names)
    if (relays.size >= websocket.maxRelays) throw new AuthError('server_busy', 'Too many connections')
    const match = matchRoute(ctx.routes, 'GET', req.url)
    if (match.rule?.public === true) {
      wss.handleUpgrade(req, socket, head, (client) => startRelay(client, req, undefined))
      return
    }
    const view = viewOf(req)
    // Refuse with 401/403 (or 429 from the failure throttle) before upgrading; the ws handler
    // verifies again (a cache hit). A token-less upgrade goes on to quarantine.
    const auth = await authenticator.authenticate(view, { checkOrigin: 'always' }).catch((err: unknown) => {
      if (asAuthError(err)?.code === 'credentials_required') return undefined
      throw err
    })
    if (auth !== undefined) enforceRule(match, auth, authenticator.verifier.clock)
    matches.set(req, match)
    wsAuth.handleUpgrade(req, socket, head)
  }

  return {
    ws: wsAuth,
    upgrade(req, socket, head) {
      socket.on('error', () => socket.destroy())
      check(req, socket, head).catch((err: unknown) => {
        const authError = asAuthError(err)
        if (authError !== undefined) writeAuthError(socket, authError, { realm: authenticator.realm })
        else socket.destroy()
      })
    },
    async close() {
      for (const end of [...relays]) end()
      relays.clear()
      wsAuth.close()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}
