import { errorBody, type Refusal } from '@hivegate/core'
import type { FastifyReply, HookHandlerDoneFunction } from 'fastify'

/** How a refused request is answered: directly (`respond`) or by Fastify's error handling (`throw`). */
export type ErrorMode = 'respond' | 'throw'

// The bytes core's writeAuthError sends; a string with its type set skips any response schema.
const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * Answers a refusal through `reply` (status, `WWW-Authenticate`, `Cache-Control: no-store`, the
 * RFC 6750 JSON body), or passes the error to `done(err)` for Fastify's error handling.
 */
export function answer(refusal: Refusal, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (refusal.kind === 'hand-off') return done(refusal.error as Error)
  const err = refusal.error
  reply.code(err.status).headers(err.headers).type(JSON_TYPE).send(JSON.stringify(errorBody(err)))
}
