import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto'
import type { SecretInput } from '@hivegate/core'

/** Anything a sealed value may carry. */
export type SealedData = Record<string, unknown>

/** Encrypts and authenticates short-lived login state, so the browser can hold it but neither read nor forge it. */
export interface Sealer {
  /** Seals `data` under `purpose`, readable until `expiresAt` (epoch ms). */
  seal(purpose: string, data: SealedData, expiresAt: number): string
  /** The data, `'expired'`, or `'invalid'` (tampered, another purpose, or not a sealed value). */
  unseal(purpose: string, value: string, now: number): SealedData | 'expired' | 'invalid'
}

/** Raw bytes of a secret option; throws a TypeError naming it when shorter than 32 bytes. */
export function secretBytes(secret: SecretInput, name: string): Buffer {
  let bytes: Buffer
  if (typeof secret === 'string') bytes = Buffer.from(secret, 'utf8')
  else if (secret instanceof Uint8Array) bytes = Buffer.from(secret)
  else if (typeof secret === 'object' && secret !== null && (secret as KeyObject).type === 'secret') {
    bytes = (secret as KeyObject).export()
  } else throw new TypeError(`"${name}" must be a string, a Uint8Array or a secret KeyObject`)
  if (bytes.length < 32) throw new RangeError(`"${name}" must be at least 32 bytes`)
  return bytes
}

const IV = 12
const TAG = 16

/**
 * AES-256-GCM with a key derived by HKDF from `secret`, so the session-signing secret is never
 * used directly for another purpose. The purpose is authenticated data: a value sealed for one
 * cookie does not open as another.
 */
export function createSealer(secret: Buffer): Sealer {
  const key = createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'hivegate/oauth', 'login-state seal v1', 32)))
  return {
    seal(purpose, data, expiresAt) {
      const iv = randomBytes(IV)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(purpose))
      const body = Buffer.concat([cipher.update(JSON.stringify({ ...data, x: expiresAt }), 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
    },
    unseal(purpose, value, now) {
      if (value.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(value)) return 'invalid'
      const raw = Buffer.from(value, 'base64url')
      if (raw.length <= IV + TAG) return 'invalid'
      let text: string
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV))
        decipher.setAAD(Buffer.from(purpose))
        decipher.setAuthTag(raw.subarray(IV, IV + TAG))
        text = Buffer.concat([decipher.update(raw.subarray(IV + TAG)), decipher.final()]).toString('utf8')
      } catch {
        return 'invalid'
      }
      const data = JSON.parse(text) as SealedData & { x?: unknown }
      if (typeof data.x !== 'number') return 'invalid'
      if (now >= data.x) return 'expired'
      return data
    },
  }
}

/**
 * Remembers completed logins until their state would have expired, so a sealed state is used
 * once. Bounded: at `max` entries the oldest are dropped (they expire soonest).
 */
export class ReplayGuard {
  readonly #seen = new Map<string, number>()
  constructor(readonly max: number) {}

  /** True when `id` was used and has not expired yet; marks nothing. */
  has(id: string, now: number): boolean {
    const until = this.#seen.get(id)
    return until !== undefined && until > now
  }

  /** True the first time `id` is used while unexpired; false on a replay. */
  use(id: string, expiresAt: number, now: number): boolean {
    for (const [key, until] of this.#seen) {
      if (until > now) break
      this.#seen.delete(key)
    }
    if (this.#seen.has(id)) return false
    while (this.#seen.size >= this.max) this.#seen.delete(this.#seen.keys().next().value as string)
    this.#seen.set(id, expiresAt)
    return true
  }
}
