import { STATUS_CODES, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { AuthError, AuthErrorCode } from './errors.js'

/** Options of {@link writeAuthError}. */
export interface WriteAuthErrorOptions {
  /** Realm of the `WWW-Authenticate` challenge, used when the error carries none. */
  realm?: string
}

/** The JSON body every adapter answers a refused request with: `{ error, error_description }`. */
export function errorBody(err: AuthError): { error: AuthErrorCode; error_description: string } {
  return err.toJSON()
}

function isServerResponse(target: ServerResponse | Duplex): target is ServerResponse {
  return typeof (target as ServerResponse).setHeader === 'function' && typeof (target as ServerResponse).writeHead === 'function'
}

function ignore(): void {}

function headersOf(err: AuthError, length: number): Record<string, string | number> {
  return {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': length,
    ...err.headers,
  }
}

function writeResponse(res: ServerResponse, err: AuthError): void {
  if (res.writableEnded || res.destroyed) return
  // Part of another answer is already on the wire: cut the connection rather than append to it.
  if (res.headersSent) return void res.destroy()
  const body = JSON.stringify(errorBody(err))
  res.writeHead(err.status, headersOf(err, Buffer.byteLength(body)))
  res.end(body)
}

// The ws way (ws `abortHandshake`): a minimal HTTP answer, then destroy once it is flushed.
function writeSocket(socket: Duplex, err: AuthError): void {
  socket.on('error', ignore)
  if (!socket.writable || socket.destroyed) return void socket.destroy()
  const body = JSON.stringify(errorBody(err))
  const lines = [`HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? ''}`, 'Connection: close']
  for (const [name, value] of Object.entries(headersOf(err, Buffer.byteLength(body)))) lines.push(`${name}: ${value}`)
  socket.once('finish', () => socket.destroy())
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`)
}

/**
 * Answers a refused request with `err`: its status, `WWW-Authenticate` (RFC 6750 §3),
 * `Cache-Control: no-store` and the JSON body `{ error, error_description }`. The target is an
 * HTTP `ServerResponse`, or the raw socket of an `upgrade` event, which gets a minimal HTTP/1.1
 * response and is destroyed once it is flushed. Never throws: a response already under way is
 * cut, a socket already closed is destroyed.
 *
 * @example
 * ```ts
 * server.on('upgrade', (req, socket, head) => {
 *   authenticator.authenticate(view, { checkOrigin: 'always' }).then(
 *     (auth) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req, auth)),
 *     (err) => (isAuthError(err) ? writeAuthError(socket, err) : socket.destroy()),
 *   )
 * })
 * ```
 */
export function writeAuthError(target: ServerResponse | Duplex, err: AuthError, options?: WriteAuthErrorOptions): void {
  if (options?.realm !== undefined && err.realm === undefined) err.realm = options.realm
  try {
    if (isServerResponse(target)) writeResponse(target, err)
    else writeSocket(target, err)
  } catch {
    target.destroy()
  }
}
