/**
 * `@hivegate/core/internal`: what hivegate's own packages share beyond the public API, kept out of
 * the main entry so users do not build on it: the option validators, each throwing a TypeError
 * or RangeError that names the option; the request view the HTTP adapters build; and the
 * quarantine limits, budget and connection timer the persistent-connection adapters (ws, raw TCP,
 * socket.io) share.
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
  optionNames,
  optionTypeError,
  withDefaults,
} from './options.js'
export { assertOriginRule } from './origin.js'
export { MAX_CLOCK_TOLERANCE, MAX_TOKEN_LENGTH_LIMIT } from './verifier-options.js'
export { authenticatorOptionsOf, firstAuthenticatorOption, readyAuthenticator } from './authenticator-options.js'
export { DeferredRequestView, type DeferredFields } from './request-view.js'
export { QUARANTINE_LIMITS, QUARANTINE_LIMIT_NAMES, resolveQuarantineLimits } from './quarantine/limits.js'
export type { QuarantineLimits } from './quarantine/limits.js'
export { ConnectionTimer } from './quarantine/connection-timer.js'
export { QuarantineBudget } from './quarantine/budget.js'
