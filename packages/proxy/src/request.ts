import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { incomingMessageView, isAuthError, type AuthError, type RequestView } from '@hivegate/core'

/**
 * The request view core reads. Its `protocol` is the TLS state of the client's own connection;
 * `X-Forwarded-Proto` is never read, since any client can send it.
 */
export function viewOf(req: IncomingMessage): RequestView {
  return incomingMessageView(req)
}

/** `err` when it is an AuthError. */
export function asAuthError(err: unknown): AuthError | undefined {
  return isAuthError(err) ? err : undefined
}

/**
 * Node accepts only a `Transfer-Encoding` that ends in `chunked` and re-frames the body as chunked
 * itself; forwarding the client's own list (`identity, chunked`) would let an upstream that reads
 * it differently lose the message boundary on a kept-alive connection.
 */
export function normaliseFraming(headers: IncomingHttpHeaders): void {
  if (headers['transfer-encoding'] !== undefined) headers['transfer-encoding'] = 'chunked'
}
