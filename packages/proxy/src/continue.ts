import type { IncomingMessage, ServerResponse } from 'node:http'

/** Requests with `Expect: 100-continue` whose `100 Continue` the gateway sends itself, after authentication. */
export const awaitingContinue = new WeakSet<IncomingMessage>()

/**
 * Once a request passed authentication and its rule: tells a client waiting on
 * `Expect: 100-continue` to send its body (so nobody uploads a body before being authenticated).
 */
export function grantContinue(req: IncomingMessage, res: ServerResponse): void {
  if (!awaitingContinue.delete(req)) return
  // Answered here; the upstream's own 100 would have nowhere to go.
  delete req.headers.expect
  res.writeContinue()
}
