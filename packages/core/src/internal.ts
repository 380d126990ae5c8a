/**
 * `@hivegate/core/internal`: what hivegate's own packages share beyond the public API, kept out of
 * the main entry so users do not build on it: the option validators, each throwing a TypeError
 * or RangeError that names the option, and the request view the HTTP adapters build.
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
export { MAX_CLOCK_TOLERANCE, MAX_TOKEN_LENGTH_LIMIT } from './verifier-options.js'
export { readyAuthenticator } from './authenticator-options.js'
export { DeferredRequestView, type DeferredFields } from './request-view.js'
