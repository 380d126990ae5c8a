/**
 * Option validators shared by every hivegate package. Each throws a TypeError (wrong type) or a
 * RangeError (right type, value out of range) whose message quotes the option name, so a
 * misconfiguration fails at construction with a message that says what to fix.
 *
 * @example
 * ```ts
 * assertPositiveInteger('maxTokenLength', options.maxTokenLength) // '"maxTokenLength" must be a positive integer'
 * ```
 */

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return value.length > 40 ? 'a string' : JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return typeof value === 'object' ? 'an object' : typeof value
}

/** `"name" must be <what>, got <value>` as a TypeError. */
export function optionTypeError(name: string, what: string, value: unknown): TypeError {
  return new TypeError(`"${name}" must be ${what}, got ${describe(value)}`)
}

/** Asserts a positive safe integer (1, 2, …), e.g. sizes and counts. */
export function assertPositiveInteger(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') throw optionTypeError(name, 'a positive integer', value)
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`"${name}" must be a positive integer, got ${describe(value)}`)
}

/** Asserts a non-negative safe integer (0, 1, …), e.g. a tolerance in seconds. */
export function assertNonNegativeInteger(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') throw optionTypeError(name, 'a non-negative integer', value)
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`"${name}" must be a non-negative integer, got ${describe(value)}`)
}

/** Asserts a finite number, optionally within `[min, max]`. */
export function assertFiniteNumber(name: string, value: unknown, range: { min?: number; max?: number } = {}): asserts value is number {
  if (typeof value !== 'number') throw optionTypeError(name, 'a finite number', value)
  const { min = -Infinity, max = Infinity } = range
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`"${name}" must be a finite number between ${min} and ${max}, got ${describe(value)}`)
  }
}

/** Asserts a string; `nonEmpty` (default true) refuses ''. */
export function assertString(name: string, value: unknown, { nonEmpty = true }: { nonEmpty?: boolean } = {}): asserts value is string {
  if (typeof value !== 'string') throw optionTypeError(name, nonEmpty ? 'a non-empty string' : 'a string', value)
  if (nonEmpty && value.length === 0) throw new RangeError(`"${name}" must be a non-empty string`)
}

/** Asserts a boolean. */
export function assertBoolean(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw optionTypeError(name, 'true or false', value)
}

/** Asserts a function. */
export function assertFunction(name: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw optionTypeError(name, 'a function', value)
}

/** Asserts one of a fixed set of values. */
export function assertOneOf<T extends string | number | boolean>(name: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new TypeError(`"${name}" must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`)
  }
}

/** Asserts an array of strings (each non-empty unless `nonEmptyItems` is false). */
export function assertStringArray(
  name: string,
  value: unknown,
  { nonEmptyItems = true, nonEmpty = false }: { nonEmptyItems?: boolean; nonEmpty?: boolean } = {},
): asserts value is string[] {
  if (!Array.isArray(value)) throw optionTypeError(name, 'an array of strings', value)
  if (nonEmpty && value.length === 0) throw new RangeError(`"${name}" must not be empty`)
  value.forEach((item, i) => assertString(`${name}[${i}]`, item, { nonEmpty: nonEmptyItems }))
}

/** Asserts a plain object (not null, not an array), e.g. a map of secrets by kid. */
export function assertPlainObject(name: string, value: unknown): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw optionTypeError(name, 'an object', value)
}

/** Asserts that at most one of the named options is set (not undefined). */
export function assertExclusive(options: object, names: readonly string[]): void {
  const set = names.filter((n) => (options as Record<string, unknown>)[n] !== undefined)
  if (set.length > 1) throw new TypeError(`${set.map((n) => `"${n}"`).join(' and ')} cannot be used together`)
}

/** Asserts that `options` has no key outside `known`; catches misspelt options early. */
export function assertKnownKeys(name: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`"${name}" has an unknown option "${key}"; expected one of ${known.join(', ')}`)
  }
}

/**
 * The option names of `T`, written once as a record the compiler checks both ways: a name missing
 * from `T` or an option of `T` missing here fails to compile, so the list cannot drift from the type.
 */
export function optionNames<T>(names: { readonly [K in keyof Required<T>]: true }): ReadonlyArray<keyof T & string> {
  return Object.freeze(Object.keys(names)) as ReadonlyArray<keyof T & string>
}

/** The options among `names` that are set (not undefined), copied into a new object. */
export function pickOptions<T>(options: object, names: readonly string[]): T {
  const picked: Record<string, unknown> = {}
  for (const name of names) {
    const value = (options as Record<string, unknown>)[name]
    if (value !== undefined) picked[name] = value
  }
  return picked as T
}

/**
 * Spreads `defaults` under the options the user set, ignoring keys the user set to undefined,
 * so `{ max: undefined }` means "the default" rather than "no value".
 */
export function withDefaults<T extends object>(defaults: Readonly<T>, options: Partial<T> | undefined): T {
  const merged: T = { ...defaults }
  if (options === undefined) return merged
  for (const key of Object.keys(options) as Array<keyof T>) {
    if (options[key] !== undefined) merged[key] = options[key] as T[keyof T]
  }
  return merged
}
