/** Why an access operation was refused; each maps to one HTTP status. */
export type AccessErrorCode = 'invalid_input' | 'not_found' | 'store_unavailable' | 'store_empty' | 'operator_key_mismatch'

const STATUS: Readonly<Record<AccessErrorCode, number>> = {
  invalid_input: 400,
  not_found: 404,
  store_unavailable: 503,
  /** The store holds no state: wiped, or never set up. Never served as "nothing revoked". */
  store_empty: 503,
  operator_key_mismatch: 500,
}

/** A refused access operation. Its message names the field at fault and never holds a secret. */
export class AccessError extends Error {
  readonly code: AccessErrorCode
  /** The input field at fault, when there is one. */
  readonly field: string | undefined
  readonly status: number

  constructor(code: AccessErrorCode, message: string, field?: string) {
    super(message)
    this.name = 'AccessError'
    this.code = code
    this.field = field
    this.status = STATUS[code]
  }
}

/** An input error naming `field`. */
export function invalid(field: string, problem: string): AccessError {
  return new AccessError('invalid_input', `"${field}" ${problem}`, field)
}
