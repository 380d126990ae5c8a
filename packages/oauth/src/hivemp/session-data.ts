import { LoginError } from '../errors.js'

/**
 * The session HiveMP hands the browser in `#session=`: base64 of this JSON. `apiKey` is a secret
 * that acts as the user; hivegate never puts it in a token.
 */
export interface UserSessionWithSecrets {
  id: string
  accountId: string
  apiKey: string
  /** Unix time, seconds, when the session ends. */
  expiry: number
  /** Unix time, seconds, when the session started. */
  start: number
  projectId: string
  metered: boolean
  billedMinutes: number
  profile?: Record<string, unknown> | null
}

const STRINGS = ['id', 'accountId', 'apiKey', 'projectId'] as const
const INTEGERS = ['expiry', 'start', 'billedMinutes'] as const
const KNOWN = new Set<string>([...STRINGS, ...INTEGERS, 'metered', 'profile'])

function invalid(description: string): LoginError {
  return new LoginError('session_data_invalid', description)
}

/**
 * Decodes `#session=` data (standard or URL-safe base64 of JSON) and checks the exact shape of
 * a UserSessionWithSecrets. Unknown fields are refused: the data is attacker-controlled.
 *
 * @throws LoginError `payload_too_large` or `session_data_invalid`
 */
export function decodeSessionData(text: string, maxLength: number): UserSessionWithSecrets {
  if (text.length > maxLength) throw new LoginError('payload_too_large', 'The session data is too large')
  if (text.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw invalid('The session data is not base64')
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'))
  } catch {
    throw invalid('The session data is not JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('The session data is not an object')
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) if (!KNOWN.has(key)) throw invalid(`Unexpected field "${key.slice(0, 40)}"`)
  for (const key of STRINGS) {
    const field = record[key]
    if (typeof field !== 'string' || field.length === 0 || field.length > 512) throw invalid(`"${key}" must be a non-empty string`)
  }
  for (const key of INTEGERS) {
    const field = record[key]
    if (!Number.isSafeInteger(field) || (field as number) < 0) throw invalid(`"${key}" must be a non-negative integer`)
  }
  if (typeof record.metered !== 'boolean') throw invalid('"metered" must be a boolean')
  const profile = record.profile
  if (profile !== undefined && profile !== null && (typeof profile !== 'object' || Array.isArray(profile))) {
    throw invalid('"profile" must be an object or null')
  }
  return record as unknown as UserSessionWithSecrets
}
