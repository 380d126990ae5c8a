import { createPublicKey, KeyObject } from 'node:crypto'
import { AuthError, isAuthError } from '../errors.js'
import type { Claims } from '../claims.js'
import type { JwsHeader } from '../jws.js'
import type { Algorithm } from './algorithms.js'
import type { KeyLookup, VerificationKey } from './options.js'
import { algorithmsForKey, intersect, isAlgorithm } from './algorithms.js'
import { debugKeys } from './events.js'

/**
 * Checks one key a lookup function returned: a KeyObject whose type can verify every algorithm it
 * claims (a private key is reduced to its public key). Returns the reason when it is unusable.
 */
function checkKey(value: unknown): VerificationKey | string {
  if (typeof value !== 'object' || value === null) return 'not an object'
  const { kid, key, algorithms } = value as Partial<VerificationKey>
  if (!(key instanceof KeyObject)) return '"key" is not a KeyObject'
  if (kid !== undefined && typeof kid !== 'string') return '"kid" is not a string'
  if (!Array.isArray(algorithms) || algorithms.length === 0) return '"algorithms" is not a non-empty array'
  const usable = key.type === 'private' ? createPublicKey(key) : key
  const bound = algorithmsForKey(usable)
  if (typeof bound === 'string') return `its key ${bound}`
  for (const alg of algorithms) {
    if (!isAlgorithm(alg) || !bound.includes(alg)) return 'it claims an algorithm its key type cannot verify'
  }
  return { kid, key: usable, algorithms }
}

function lookupFailure(err: unknown): AuthError {
  return isAuthError(err) ? err : new AuthError('keys_unavailable', undefined, { cause: err })
}

/**
 * Runs `keys.lookup` and keeps the keys it returned that are sound, match the token's kid and
 * may verify `alg` under the allowlist. Synchronous when the lookup answers synchronously (an
 * in-memory registry), so such keys serve `verifySync` too. A lookup that throws makes the keys
 * unavailable, unless it threw an AuthError of its own.
 */
export function runLookup(
  lookup: KeyLookup,
  header: Readonly<JwsHeader>,
  claims: Readonly<Claims>,
  alg: Algorithm,
  allowed: ReadonlySet<Algorithm>,
): readonly VerificationKey[] | Promise<readonly VerificationKey[]> {
  let result: unknown
  try {
    result = lookup(header, claims)
  } catch (err) {
    throw lookupFailure(err)
  }
  if (result instanceof Promise) {
    return result.then(
      (answer: unknown) => keep(answer, header.kid, alg, allowed),
      (err: unknown) => {
        throw lookupFailure(err)
      },
    )
  }
  return keep(result, header.kid, alg, allowed)
}

function keep(result: unknown, kid: string | undefined, alg: Algorithm, allowed: ReadonlySet<Algorithm>): readonly VerificationKey[] {
  if (result === undefined || result === null) return []
  const kept: VerificationKey[] = []
  for (const item of Array.isArray(result) ? result : [result]) {
    const checked = checkKey(item)
    if (typeof checked === 'string') {
      debugKeys('lookup result dropped: %s', checked)
      continue
    }
    if (checked.kid !== undefined && kid !== undefined && checked.kid !== kid) continue
    const algorithms = intersect(checked.algorithms, allowed)
    if (!algorithms.includes(alg)) continue
    kept.push(Object.freeze({ kid: checked.kid, key: checked.key, algorithms: Object.freeze([...algorithms]) }))
  }
  return kept
}
