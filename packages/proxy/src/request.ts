import type { IncomingMessage } from 'node:http'
import { isAuthError, type AuthError, type RequestView } from '@hivegate/core'

/** The request view core reads. */
export function viewOf(req: IncomingMessage): RequestView {
  return { headers: req.headers, rawHeaders: req.rawHeaders, url: req.url, method: req.method }
}

/** `err` when it is an AuthError. */
export function asAuthError(err: unknown): AuthError | undefined {
  return isAuthError(err) ? err : undefined
}
