import { createSecretKey } from 'node:crypto'
import type { VerificationKey } from '@hivegate/core'
import type { OperatorKey } from './operator-key.js'
import type { AccessState, SecretRecord, TokenRecord } from './records.js'

/** What the hot path reads: keys by kid, tokens by jti. Rebuilt on every change, never mutated. */
export interface Snapshot {
  readonly version: number
  /** Keys that verify (active and retiring secrets). */
  readonly keys: ReadonlyMap<string, VerificationKey>
  readonly tokens: ReadonlyMap<string, TokenRecord>
  readonly secrets: readonly SecretRecord[]
}

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({ version: 0, keys: new Map(), tokens: new Map(), secrets: [] })

const publicRecord = ({ kid, alg, status, createdAt, statusAt }: SecretRecord): SecretRecord => Object.freeze({ kid, alg, status, createdAt, statusAt })

/**
 * Builds the snapshot of `state`. Secret values are opened once and reused from `previous`
 * (a value never changes under its kid); a value the operator key cannot open throws.
 */
export function buildSnapshot(state: AccessState, operatorKey: OperatorKey, previous: Snapshot): Snapshot {
  const keys = new Map<string, VerificationKey>()
  for (const secret of state.secrets) {
    if (secret.status === 'retired') continue
    const known = previous.keys.get(secret.kid)
    const key = known ?? { kid: secret.kid, key: createSecretKey(operatorKey.open(secret.kid, secret.sealed)), algorithms: Object.freeze([secret.alg]) }
    keys.set(secret.kid, Object.freeze(key))
  }
  return Object.freeze({
    version: state.version,
    keys,
    tokens: new Map(state.tokens.map((token) => [token.id, token])),
    secrets: Object.freeze(state.secrets.map(publicRecord)),
  })
}

/** Did a kid stop verifying, or start? Then verifications cached under the old keys are redone. */
export function keysChanged(a: Snapshot, b: Snapshot): boolean {
  if (a.keys.size !== b.keys.size) return true
  for (const kid of a.keys.keys()) if (!b.keys.has(kid)) return true
  return false
}
