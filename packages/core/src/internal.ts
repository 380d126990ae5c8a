/**
 * `@hivegate/core/internal`: what hivegate's own packages share beyond the public API, kept out of
 * the main entry so users do not build on it. Today: the option validators, each throwing a
 * TypeError or RangeError that names the option.
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
  pickOptions,
  withDefaults,
} from './options.js'
export { assertOriginRule } from './origin.js'
export { AUTHENTICATOR_OPTION_NAMES, authenticatorOptionsOf, firstAuthenticatorOption, readyAuthenticator } from './authenticator-options.js'
export { RESOLVER_OPTION_NAMES } from './resolver/options.js'
