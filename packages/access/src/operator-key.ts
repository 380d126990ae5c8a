import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { AccessError } from './errors.js'

const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const FORMAT = 'v1'

/** Seals secret values at rest with the operator's key (AES-256-GCM, the kid bound as associated data). */
export interface OperatorKey {
  seal(kid: string, value: Uint8Array): string
  /** Throws `operator_key_mismatch` when the sealed value was not made with this key. */
  open(kid: string, sealed: string): Buffer
  /** A value that identifies the key without revealing it, stored to catch a wrong key at open. */
  readonly check: string
  /** Keyed MAC under a subkey, for values the admin page binds to a login (CSRF fields). */
  mac(purpose: string, value: string): Buffer
}

/** A new operator key as text: 32 random bytes, base64url. */
export function generateOperatorKey(): string {
  return randomBytes(KEY_BYTES).toString('base64url')
}

function decodeKey(input: string | Uint8Array): Buffer {
  if (input instanceof Uint8Array) {
    if (input.length !== KEY_BYTES) throw new RangeError(`"operatorKey" must be ${KEY_BYTES} bytes`)
    return Buffer.from(input)
  }
  if (typeof input !== 'string') throw new TypeError('"operatorKey" must be a string or a Uint8Array')
  const textValue = input.trim()
  const bytes = /^[0-9a-f]{64}$/i.test(textValue) ? Buffer.from(textValue, 'hex') : Buffer.from(textValue, 'base64url')
  if (bytes.length !== KEY_BYTES || (!/^[0-9a-f]{64}$/i.test(textValue) && bytes.toString('base64url') !== textValue.replace(/=+$/, ''))) {
    throw new RangeError(`"operatorKey" must be ${KEY_BYTES} bytes as base64url or hex (hivegate access init makes one)`)
  }
  return bytes
}

function subkey(key: Buffer, purpose: string): Buffer {
  return createHmac('sha256', key).update(`hivegate-access:${purpose}`).digest()
}

/** Imports the operator key (32 bytes; base64url or hex text). */
export function createOperatorKey(input: string | Uint8Array): OperatorKey {
  const root = decodeKey(input)
  const sealKey = subkey(root, 'seal')
  const macKey = subkey(root, 'mac')
  const check = subkey(root, 'check').subarray(0, 16).toString('base64url')
  return {
    check,
    seal(kid, value) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv)
      cipher.setAAD(Buffer.from(`hivegate-secret:${kid}`))
      const body = Buffer.concat([cipher.update(value), cipher.final()])
      return `${FORMAT}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
    },
    open(kid, sealed) {
      const [format, data] = sealed.split('.')
      const bytes = Buffer.from(data ?? '', 'base64url')
      if (format !== FORMAT || bytes.length <= IV_BYTES + TAG_BYTES) throw mismatch(kid)
      try {
        const decipher = createDecipheriv('aes-256-gcm', sealKey, bytes.subarray(0, IV_BYTES))
        decipher.setAAD(Buffer.from(`hivegate-secret:${kid}`))
        decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
        return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
      } catch {
        throw mismatch(kid)
      }
    },
    mac(purpose, value) {
      return createHmac('sha256', macKey).update(purpose).update('\0').update(value).digest()
    },
  }
}

function mismatch(kid: string): AccessError {
  return new AccessError('operator_key_mismatch', `secret "${kid}" cannot be opened with this operator key`)
}

/** Constant-time equality of two MACs or other secret-derived values. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}
