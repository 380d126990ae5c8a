import { writeAuthError, type Refusal } from '@hivegate/core'
import type { NextFunction, Response } from 'express'

/** How a refused request is answered: directly (`respond`) or by the app's error handler (`next`). */
export type ErrorMode = 'respond' | 'next'

/** Writes a refusal to `res`, or hands the error to `next(err)` for the app's error handler. */
export function answer(refusal: Refusal, res: Response, next: NextFunction): void {
  if (refusal.kind === 'respond') writeAuthError(res, refusal.error)
  else next(refusal.error)
}
