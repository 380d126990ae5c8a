import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { AuthError, createConnectionRegistry, incomingMessageView, isAuthError, writeAuthError } from '@hivegate/core'
import type { AuthContext, BuiltInSourceName, TokenSource } from '@hivegate/core'
import type { WebSocket, WebSocketServer } from 'ws'
import { adopt } from './adopt.js'
import { CLOSINGS, closeReason, type Closing } from './close-codes.js'
import { resolveConnectionOptions, type ConnectionAuthOptions } from './options.js'
import type { ConnectionFilter } from './registry.js'
import type { Session } from './session.js'
import { hideTokenProtocols, subprotocolSource } from './subprotocol.js'

/** Options of {@link attachAuth} and {@link createUpgradeHandler}. */
export interface WsAuthOptions extends ConnectionAuthOptions {
  /** Refuse (401) upgrades that carry no token instead of quarantining them. Default false. */
  requireCredentialsAtUpgrade?: boolean
  /**
   * Opt-in: read the token from an offered `Sec-WebSocket-Protocol` value `<prefix><token>`
   * (e.g. `'bearer.'`); the server answers another offered protocol, never the token one.
   */
  subprotocolTokenPrefix?: string
  /**
   * Runs once the upgrade is authenticated and before anything is upgraded, with the AuthContext
   * (undefined for a connection that will wait in quarantine). Throwing (or rejecting with) an
   * AuthError refuses the upgrade with its status, e.g. a route rule the token does not meet; any
   * other error destroys the socket. Lets a server that routes upgrades itself (a gateway) check
   * them without authenticating a second time.
   */
  beforeUpgrade?: (req: IncomingMessage, auth: AuthContext | undefined) => void | Promise<void>
}

/** The authenticated WebSocket connections of one WebSocketServer. */
export interface WsAuth {
  /** Authenticates an upgrade; trusted connections reach `wss.emit('connection', ws, req, auth)`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  /** The AuthContext of a trusted connection (the latest, after re-authentication). */
  authOf(ws: WebSocket): AuthContext | undefined
  /** Trusted connections, optionally of one subject and/or tenant. */
  connections(filter?: ConnectionFilter): WebSocket[]
  /** Closes the trusted connections of a subject and/or tenant (default 1008); returns how many. */
  closeWhere(filter: ConnectionFilter, code?: number, reason?: string): number
  /** Connections in quarantine now. */
  readonly quarantined: number
  /** Stops handling upgrades, removes listeners and timers, and closes every connection it holds (1001). */
  close(): void
}

function checkCloseCode(code: number): number {
  if (!Number.isInteger(code) || !(code === 1000 || code === 1008 || (code >= 3000 && code <= 4999))) {
    throw new RangeError('"code" must be 1000, 1008 or an integer from 3000 to 4999')
  }
  return code
}

/**
 * Authenticates upgrades for a `WebSocketServer` created with `{ noServer: true }`, for servers
 * that route upgrades themselves (several paths, a proxy).
 *
 * @example
 * ```ts
 * const wss = new WebSocketServer({ noServer: true })
 * const wsAuth = createUpgradeHandler(wss, { issuer, keys: { secrets: { 'kid-1': secret } } })
 * server.on('upgrade', (req, socket, head) => {
 *   if (req.url === '/live') wsAuth.handleUpgrade(req, socket, head)
 *   else socket.destroy()
 * })
 * wss.on('connection', (ws, req, auth) => ws.send(`hello ${auth.subject}`))
 * ```
 */
export function createUpgradeHandler(wss: WebSocketServer, options: WsAuthOptions): WsAuth {
  if (typeof wss?.handleUpgrade !== 'function') throw new TypeError('"wss" must be a ws WebSocketServer')
  if (wss.options.noServer !== true) {
    throw new TypeError('"wss" must be created with { noServer: true }, or it would upgrade without authentication')
  }
  const prefix = options?.subprotocolTokenPrefix
  if (prefix !== undefined && (typeof prefix !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(prefix))) {
    throw new TypeError('"subprotocolTokenPrefix" must be a non-empty protocol token, e.g. "bearer."')
  }
  const sources: Array<BuiltInSourceName | TokenSource> = ['cookie', 'bearer']
  if (prefix !== undefined) sources.push(subprotocolSource(prefix))
  const { authenticator, protocol, limits } = resolveConnectionOptions(options, sources)
  const requireCredentials = options.requireCredentialsAtUpgrade === true
  const { beforeUpgrade } = options
  if (beforeUpgrade !== undefined && typeof beforeUpgrade !== 'function') throw new TypeError('"beforeUpgrade" must be a function')
  const verifier = authenticator.verifier
  const registry = createConnectionRegistry<WebSocket, Closing>({ maxQuarantined: limits.maxQuarantined, revocations: verifier.revocations })
  const quarantined = new Set<Session<WebSocket>>()
  const restoreProtocols = prefix === undefined ? () => {} : hideTokenProtocols(wss, prefix)
  const context = { verifier, protocol, limits, registry }
  let closed = false

  function reject(socket: Duplex, err: AuthError): void {
    if (err.realm === undefined) err.realm = authenticator.realm
    writeAuthError(socket, err)
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, auth: AuthContext | undefined): void {
    let adopted = false
    if (auth === undefined) {
      if (!registry.reserve()) return reject(socket, new AuthError('server_busy'))
      // ws answers a bad handshake itself without calling back: the slot is freed with the socket.
      socket.once('close', () => adopted || registry.release())
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      adopted = true
      const session = adopt(wss, ws, context, (trusted, current) => {
        quarantined.delete(trusted)
        wss.emit('connection', ws, req, current)
      }, auth)
      if (session.state === 'quarantined') {
        quarantined.add(session)
        ws.once('close', () => quarantined.delete(session))
      }
    })
  }

  // The caller's last word before the upgrade; its AuthError refuses, anything else cuts the socket.
  function admit(req: IncomingMessage, socket: Duplex, head: Buffer, auth: AuthContext | undefined): void {
    if (beforeUpgrade === undefined) return upgrade(req, socket, head, auth)
    socket.on('error', swallow)
    new Promise<void>((resolve) => resolve(beforeUpgrade(req, auth))).then(
      () => {
        socket.off('error', swallow)
        if (socket.destroyed || closed) return void socket.destroy()
        upgrade(req, socket, head, auth)
      },
      (err: unknown) => {
        socket.off('error', swallow)
        if (socket.destroyed) return
        if (isAuthError(err)) reject(socket, err)
        else socket.destroy()
      },
    )
  }

  function swallow(): void {}
  return {
    handleUpgrade(req, socket, head) {
      if (closed) {
        socket.destroy()
        return
      }
      socket.on('error', swallow)
      authenticator.authenticate(incomingMessageView(req), { checkOrigin: 'always' }).then(
        (auth) => {
          socket.off('error', swallow)
          if (socket.destroyed || closed) return void socket.destroy()
          if (auth === undefined && requireCredentials) return reject(socket, new AuthError('credentials_required'))
          admit(req, socket, head, auth)
        },
        (err: unknown) => {
          socket.off('error', swallow)
          if (socket.destroyed) return
          if (isAuthError(err) && err.code === 'credentials_required' && !requireCredentials) {
            return admit(req, socket, head, undefined)
          }
          reject(socket, isAuthError(err) ? err : new AuthError('invalid_token', undefined, { cause: err }))
        },
      )
    },
    authOf: (ws) => registry.authOf(ws),
    connections: (filter) => registry.list(filter),
    closeWhere(filter, code, reason) {
      const closing = {
        ...CLOSINGS.closedByServer,
        ...(code === undefined ? {} : { closeCode: checkCloseCode(code) }),
        ...(reason === undefined ? {} : { message: closeReason(String(reason)) }),
      }
      return registry.closeWhere(filter, closing)
    },
    get quarantined() {
      return registry.quarantined
    },
    close() {
      if (closed) return
      closed = true
      restoreProtocols()
      registry.dispose()
      for (const session of [...quarantined]) session.close(CLOSINGS.goingAway)
      for (const entry of registry.all()) entry.close(CLOSINGS.goingAway)
    },
  }
}
