import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/** Error codes of a failed upstream exchange, in the body of a 502 or 504. */
export type UpstreamErrorCode = 'bad_gateway' | 'gateway_timeout'

/** Code set on the error that ends an upstream request which outlived `timeout`. */
export const UPSTREAM_TIMEOUT = 'HIVEGATE_UPSTREAM_TIMEOUT'

const TIMEOUT_CODES = new Set([UPSTREAM_TIMEOUT, 'ETIMEDOUT', 'ESOCKETTIMEDOUT'])

/** Status and JSON body for an upstream failure; the error's own text (addresses, paths) is never sent. */
export function upstreamFailure(err: { code?: unknown } | undefined): { status: number; body: { error: UpstreamErrorCode; error_description: string } } {
  return TIMEOUT_CODES.has(String(err?.code))
    ? { status: 504, body: { error: 'gateway_timeout', error_description: 'The upstream server did not answer in time' } }
    : { status: 502, body: { error: 'bad_gateway', error_description: 'The upstream server is unavailable' } }
}

/** The timeout error, recognised by {@link upstreamFailure}. */
export function timeoutError(): Error {
  return Object.assign(new Error('The upstream server did not answer in time'), { code: UPSTREAM_TIMEOUT })
}

/**
 * hpm `on.error`: answers 502 (refused, reset, bad response) or 504 (timed out) with a JSON body,
 * or cuts the connection when the response has already started; never leaves the client waiting.
 */
export function answerUpstreamError(err: Error, _req: IncomingMessage, res: ServerResponse | Socket): void {
  if (!('writeHead' in res)) {
    res.destroy()
    return
  }
  if (res.headersSent || res.writableEnded) {
    res.destroy()
    return
  }
  const { status, body } = upstreamFailure(err as { code?: unknown })
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' })
  res.end(text)
}
