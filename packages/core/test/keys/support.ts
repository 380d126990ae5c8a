// Shared by the key-store tests: sync-or-async refusals and a store with a manual clock.
import { expect } from 'chai'
import { createManualClock, type ManualClock } from '../../src/clock.js'
import { isAuthError, type AuthError } from '../../src/errors.js'
import { createKeyStore, type KeyStore, type KeyStoreOptions } from '../../src/keys/index.js'
import type { Claims } from '../../src/claims.js'
import type { JwsHeader } from '../../src/jws.js'
import type { VerificationKey } from '../../src/keys/options.js'

/** The error `fn` throws synchronously; fails the test if it does not throw. */
export function thrown(fn: () => unknown): any {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw, but nothing was thrown')
}

/** The AuthError a selection refuses with, thrown or rejected; fails the test if it succeeds. */
export async function refusal(fn: () => unknown, code: AuthError['code'] = 'invalid_token'): Promise<AuthError> {
  let result: unknown
  try {
    result = await fn()
  } catch (err) {
    expect(isAuthError(err), String(err)).to.equal(true)
    expect((err as AuthError).code).to.equal(code)
    return err as AuthError
  }
  throw new Error(`expected a refusal with ${code}, got ${JSON.stringify(result)}`)
}

/** A store on a manual clock. */
export function store(options: Omit<KeyStoreOptions, 'clock'> & { clock?: ManualClock }): KeyStore {
  return createKeyStore({ clock: createManualClock(Date.parse('2030-01-01T00:00:00Z')), ...options })
}

/** A synchronous selection: fails the test if the answer is a Promise. */
export function selectSync(s: KeyStore, header: Partial<JwsHeader> & Record<string, unknown>, claims: Claims = {}): readonly VerificationKey[] {
  const result = s.select(header as JwsHeader, claims)
  expect(result).to.not.be.instanceOf(Promise)
  return result as readonly VerificationKey[]
}
