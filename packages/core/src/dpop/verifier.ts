import type { AuthContext } from '../auth-context.js'
import type { SyncVerifier, Verifier } from '../verifier.js'
import { isPromise } from '../verifier-hooks.js'
import type { DpopCheck } from './check.js'
import { DPOP_SOURCE } from './headers.js'

/**
 * The verifier an authenticator with DPoP on hands out: a token verified for any source but the
 * DPoP scheme (an auth message on an open connection, which no proof can come with) goes through
 * the DPoP policy, so the ws and raw-TCP quarantines refuse a bound token sent there.
 */
export function dpopGuardedVerifier(verifier: Verifier, check: DpopCheck): Verifier {
  const guard = (auth: AuthContext, source: string | undefined): AuthContext => (source === DPOP_SOURCE ? auth : check.checkUnproven(auth))
  const guarded: Verifier & Partial<Pick<SyncVerifier, 'verifySync'>> = {
    verify: (token, source) => verifier.verify(token, source).then((auth) => guard(auth, source)),
    revocations: verifier.revocations,
    clock: verifier.clock,
  }
  const run = verifier.run
  if (typeof run === 'function') {
    guarded.run = (token, source, tokenCheck, sync) => {
      const auth = run.call(verifier, token, source, tokenCheck, sync)
      return isPromise<AuthContext>(auth) ? auth.then((verified) => guard(verified, source)) : guard(auth, source)
    }
  }
  const sync = (verifier as Partial<SyncVerifier>).verifySync
  if (typeof sync === 'function') guarded.verifySync = (token, source) => guard(sync.call(verifier, token, source), source)
  return Object.freeze(guarded)
}
