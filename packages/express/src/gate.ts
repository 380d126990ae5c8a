import { isAuthError, writeAuthError } from '@hivegate/core'
import type { NextFunction, Request, Response } from 'express'

/** How a refused request is answered: directly (`respond`) or by the app's error handler (`next`). */
export type ErrorMode = 'respond' | 'next'

/** What a guard needs to know of the `hivegate()` that ran before it on the same request. */
export interface Gate {
  readonly errorMode: ErrorMode
  /** Realm of the `WWW-Authenticate` challenge. */
  readonly realm: string | undefined
}

const NO_GATE: Gate = Object.freeze({ errorMode: 'respond', realm: undefined })
const gates = new WeakMap<Request, Gate>()

/** Records which `hivegate()` handled `req`, so later guards answer the same way. */
export function bindGate(req: Request, gate: Gate): void {
  gates.set(req, gate)
}

/** The gate bound to `req`; answering directly when `hivegate()` did not run. */
export function gateOf(req: Request): Gate {
  return gates.get(req) ?? NO_GATE
}

/** Answers an AuthError per the gate's mode; anything else is a bug and goes to Express. */
export function refuse(gate: Gate, err: unknown, res: Response, next: NextFunction): void {
  if (!isAuthError(err)) return next(err)
  if (err.realm === undefined) err.realm = gate.realm
  if (gate.errorMode === 'next') return next(err)
  writeAuthError(res, err)
}
