import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { authProxy, type AuthProxy } from './auth-proxy.js'
import type { AuthProxyOptions } from './options.js'
import { awaitingContinue } from './continue.js'

/** Limits of the gateway's own HTTP server (every one bounds what a client can hold). */
export interface GatewayLimits {
  /** Largest request head, bytes. Default 16 KiB. */
  maxHeaderSize?: number
  /** Time to receive a request head, ms. Default 30 000. */
  headersTimeout?: number
  /** Time to receive a whole request, ms. Default 120 000. */
  requestTimeout?: number
  /** Open client connections at once. Default 10 000. */
  maxConnections?: number
}

/** Options of {@link createGateway}: the proxy's plus server limits. */
export type GatewayOptions = AuthProxyOptions & GatewaySettings

/** The options of {@link createGateway} beyond the proxy's. */
export interface GatewaySettings {
  limits?: GatewayLimits
  /**
   * Answers some requests on the gateway itself, before the proxy (e.g. the access management page,
   * which authenticates its own callers); calls `next()` for every request it does not answer.
   */
  localHandler?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void
}

/** A standalone gateway server. */
export interface Gateway {
  readonly server: Server
  readonly proxy: AuthProxy
  /** Listens; resolves to the base URL, e.g. `http://127.0.0.1:8080`. Rejects on EADDRINUSE and the like. */
  listen(port: number, host?: string): Promise<URL>
  /** Stops accepting, ends relayed WebSockets and open connections. */
  close(): Promise<void>
}

/** Defaults of {@link GatewayLimits}. */
export const GATEWAY_LIMIT_DEFAULTS = Object.freeze({
  maxHeaderSize: 16 * 1024,
  headersTimeout: 30_000,
  requestTimeout: 120_000,
  maxConnections: 10_000,
})

function limit(name: keyof GatewayLimits, limits: GatewayLimits | undefined): number {
  const value = limits?.[name]
  if (value === undefined) return GATEWAY_LIMIT_DEFAULTS[name]
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new RangeError(`"limits.${name}" must be a positive integer`)
  return value
}

/**
 * A `node:http` server running {@link authProxy}: what `hivegate serve` starts.
 *
 * @example
 * ```ts
 * const gw = createGateway({ target: 'http://127.0.0.1:4000', auth: { issuer: 'platform', keys } })
 * const url = await gw.listen(8080, '127.0.0.1')
 * ```
 */
export function createGateway(options: GatewayOptions): Gateway {
  if (options.limits !== undefined && (typeof options.limits !== 'object' || options.limits === null)) throw new TypeError('"limits" must be an object')
  const headersTimeout = limit('headersTimeout', options.limits)
  const requestTimeout = Math.max(limit('requestTimeout', options.limits), headersTimeout)
  const { localHandler } = options
  if (localHandler !== undefined && typeof localHandler !== 'function') throw new TypeError('"localHandler" must be a function')
  const { localHandler: _local, ...proxyOptions } = options
  const proxy = authProxy(proxyOptions)
  const toProxy = (req: IncomingMessage, res: ServerResponse): void => void proxy.middleware(req, res)
  const server = createServer({ maxHeaderSize: limit('maxHeaderSize', options.limits), headersTimeout, requestTimeout }, (req, res) => {
    if (localHandler === undefined) return toProxy(req, res)
    localHandler(req, res, () => toProxy(req, res))
  })
  // Node would answer `Expect: 100-continue` before the request is authenticated.
  server.on('checkContinue', (req, res) => {
    const proxied = (): void => {
      awaitingContinue.add(req)
      toProxy(req, res)
    }
    if (localHandler === undefined) return proxied()
    // A local handler reads small bodies of its own and authenticates them after.
    localHandler(req, res, proxied)
  })
  server.maxConnections = limit('maxConnections', options.limits)
  server.on('upgrade', proxy.upgrade)

  return {
    server,
    proxy,
    listen(port, host = '127.0.0.1') {
      return new Promise<URL>((resolve, reject) => {
        const onError = (err: Error): void => reject(err)
        server.once('error', onError)
        server.listen(port, host, () => {
          server.off('error', onError)
          const address = server.address() as AddressInfo
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address
          resolve(new URL(`http://${shown}:${address.port}`))
        })
      })
    },
    async close() {
      await proxy.close()
      await new Promise<void>((resolve) => {
        if (!server.listening) return resolve()
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
