import { parseDuration } from '../duration.js'
import { AuthError } from '../errors.js'
import { assertKnownKeys, assertPlainObject, optionTypeError } from '../options.js'
import type { AuthContext } from '../auth-context.js'

/**
 * What a resource asks of the authentication behind a token (RFC 9470): an `acr` among
 * `acrValues`, and/or an `auth_time` at most `maxAge` ago. At least one must be given.
 */
export interface AuthenticationRequirement {
  /** Acceptable `acr` values, e.g. `['urn:example:mfa']`; the token's `acr` must be one of them. */
  acrValues?: readonly string[]
  /** Longest time since the user authenticated (`auth_time`): seconds, or a string like `'5m'`. */
  maxAge?: number | string
}

/** A requirement checked once at construction. */
export interface CompiledRequirement {
  readonly acrValues: ReadonlySet<string> | undefined
  /** Seconds. */
  readonly maxAge: number | undefined
  /** The RFC 9470 §3 challenge parameters a refusal carries. */
  readonly challenge: Readonly<Record<string, string>>
}

// RFC 9470 §3: acr_values is a space-separated list inside a quoted-string, so no space, '"' or '\'.
const ACR_VALUE = /^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/
const MAX_ACR_VALUES = 32

/**
 * Validates a requirement (option names prefixed with `name`) and prepares its challenge.
 *
 * @example
 * ```ts
 * const requirement = compileRequirement({ acrValues: ['urn:example:mfa'], maxAge: '5m' })
 * ```
 */
export function compileRequirement(options: AuthenticationRequirement, name = 'options'): CompiledRequirement {
  assertPlainObject(name, options)
  assertKnownKeys(name, options, ['acrValues', 'maxAge'])
  const { acrValues, maxAge } = options
  if (acrValues === undefined && maxAge === undefined) throw new TypeError(`"${name}" must set "acrValues", "maxAge" or both`)
  const challenge: Record<string, string> = {}
  let values: Set<string> | undefined
  if (acrValues !== undefined) {
    if (!Array.isArray(acrValues) || acrValues.length === 0 || acrValues.length > MAX_ACR_VALUES) {
      throw optionTypeError(`${name}.acrValues`, `an array of 1 to ${MAX_ACR_VALUES} acr values`, acrValues)
    }
    acrValues.forEach((value: unknown, i) => {
      if (typeof value !== 'string' || !ACR_VALUE.test(value)) {
        throw optionTypeError(`${name}.acrValues[${i}]`, 'printable ASCII without spaces, quotes or backslashes', value)
      }
    })
    values = new Set(acrValues)
    challenge.acr_values = acrValues.join(' ')
  }
  const seconds = maxAge === undefined ? undefined : parseDuration(maxAge as number | string, `${name}.maxAge`)
  if (seconds !== undefined) challenge.max_age = String(seconds)
  return Object.freeze({ acrValues: values, maxAge: seconds, challenge: Object.freeze(challenge) })
}

function refuse(requirement: CompiledRequirement, description: string): never {
  throw new AuthError('insufficient_user_authentication', description, { challenge: requirement.challenge })
}

/**
 * Asserts that the authentication behind `auth` meets `requirement` at epoch ms `now` (the
 * verifier's clock): throws `credentials_required` without an AuthContext, else
 * `insufficient_user_authentication` (401) with `acr_values`/`max_age` in the challenge.
 *
 * @example
 * ```ts
 * assertAuthentication(req.auth, compileRequirement({ maxAge: 300 }), verifier.clock.now())
 * ```
 */
export function assertAuthentication(auth: AuthContext | undefined, requirement: CompiledRequirement, now: number): asserts auth is AuthContext {
  if (auth === undefined || auth === null) throw new AuthError('credentials_required')
  const { acr, auth_time: authTime } = auth.claims as { acr?: unknown; auth_time?: unknown }
  if (requirement.acrValues !== undefined) {
    if (typeof acr !== 'string') refuse(requirement, 'The token does not say how the user authenticated')
    if (!requirement.acrValues.has(acr)) refuse(requirement, 'A stronger authentication is required')
  }
  if (requirement.maxAge !== undefined) {
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) refuse(requirement, 'The token does not say when the user authenticated')
    if (Math.floor(now / 1000) - authTime > requirement.maxAge) refuse(requirement, 'A more recent authentication is required')
  }
}
