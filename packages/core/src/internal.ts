/**
 * `@hivegate/core/internal`: what hivegate's own packages share beyond the public API, kept out of
 * the main entry so users do not build on it. Today: the option validators, each throwing a
 * TypeError or RangeError that names the option; the quarantine limits, budget and connection timer
 * that the persistent-connection adapters (ws, raw TCP, socket.io) share.
 */
export {
  assertBoolean,
  assertExclusive,
  assertFiniteNumber,
  assertFunction,
  assertKnownKeys,
  assertNonNegativeInteger,
  assertOneOf,
  assertPlainObject,
  assertPositiveInteger,
  assertString,
  assertStringArray,
  optionTypeError,
  withDefaults,
} from './options.js'
export { assertOriginRule } from './origin.js'
export { readyAuthenticator } from './authenticator-options.js'
export { QUARANTINE_LIMITS, QUARANTINE_LIMIT_NAMES, resolveQuarantineLimits } from './quarantine/limits.js'
export type { QuarantineLimits } from './quarantine/limits.js'
export { ConnectionTimer } from './quarantine/connection-timer.js'
export { QuarantineBudget } from './quarantine/budget.js'
