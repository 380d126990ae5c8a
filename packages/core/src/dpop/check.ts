import { createHash } from 'node:crypto'
import type { Clock } from '../clock.js'
import { AuthError, isAuthError } from '../errors.js'
import type { RequestView } from '../request-view.js'
import type { AuthContext } from '../auth-context.js'
import type { BuiltInSourceName, ResolvedToken, TokenSource } from '../resolver/source.js'
import { isPromise } from '../verifier-hooks.js'
import { authorizationScheme, DPOP_SOURCE, dpopSource, readProofHeader } from './headers.js'
import { isUpgrade, normalizeHtu, requestUrlOf } from './htu.js'
import type { DpopSettings } from './options.js'
import { checkProof, refuseProof } from './proof.js'
import { ReplayStoreFullError } from './replay-store.js'

/** What an authenticator runs for DPoP: its source, the check after verification, the challenge. */
export interface DpopCheck {
  /** The source list with the `DPoP` scheme's source just before `bearer` (or last). */
  sources(list: ReadonlyArray<BuiltInSourceName | TokenSource>): Array<BuiltInSourceName | TokenSource>
  /** RFC 9449 §4.3 and §7.1 for a verified token: the AuthContext, or a Promise when the replay store waits. */
  check(view: RequestView, found: ResolvedToken, auth: AuthContext): AuthContext | Promise<AuthContext>
  /** The policy for a token that came without a proof (another source): refused if bound, or in `required` mode. */
  checkUnproven(auth: AuthContext): AuthContext
  /** Gives a refusal its DPoP challenge (and nonce), once. */
  decorate(err: unknown, view: RequestView): unknown
}

// A request authenticated twice (a gateway, then its WebSocket handler) spends its proof once:
// keyed by the request's own raw-header array, which every adapter passes through unchanged.
const accepted = new WeakMap<readonly string[], string>()

function boundThumbprint(claims: AuthContext['claims']): string | undefined {
  const cnf = claims.cnf
  if (cnf === undefined) return undefined
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) throw new AuthError('invalid_token', 'The token "cnf" claim is not an object')
  const jkt = (cnf as Record<string, unknown>).jkt
  if (jkt === undefined) return undefined
  if (typeof jkt !== 'string' || jkt === '') throw new AuthError('invalid_token', 'The token "cnf.jkt" claim is not a thumbprint')
  return jkt
}

function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url')
}

/** Builds the DPoP step of an authenticator from its validated settings. */
export function createDpopCheck(settings: DpopSettings, clock: Clock): DpopCheck {
  const { mode, algorithms, algs, maxProofAge, clockTolerance, maxProofLength, replayStore, nonces, requestUrl } = settings

  function checkHtu(view: RequestView, htu: string): void {
    const upgrade = isUpgrade(view)
    const target = requestUrl === undefined ? requestUrlOf(view) : requestUrl(view)
    const expected = target === undefined ? undefined : normalizeHtu(target, upgrade)
    if (expected === undefined || normalizeHtu(htu, upgrade) !== expected) refuseProof('The DPoP proof "htu" is not the request URL')
  }

  function spend(view: RequestView, proof: string, key: string, ttl: number, auth: AuthContext): AuthContext | Promise<AuthContext> {
    const raw = view.rawHeaders
    if (raw !== undefined && accepted.get(raw) === proof) return auth
    const fresh = (first: boolean): AuthContext => {
      if (!first) refuseProof('The DPoP proof was already used')
      if (raw !== undefined) accepted.set(raw, proof)
      return auth
    }
    const failed = (err: unknown): never => {
      if (isAuthError(err)) throw err
      const description = err instanceof ReplayStoreFullError ? 'Too many recent DPoP proofs' : 'The DPoP replay check failed'
      throw new AuthError('server_busy', description, { cause: err })
    }
    let outcome: boolean | Promise<boolean>
    try {
      outcome = replayStore.add(key, ttl)
    } catch (err) {
      return failed(err)
    }
    return isPromise<boolean>(outcome) ? Promise.resolve(outcome).then((first) => fresh(first === true), failed) : fresh(outcome === true)
  }

  return {
    sources(list) {
      const out = [...list]
      const at = out.indexOf('bearer')
      out.splice(at === -1 ? out.length : at, 0, dpopSource)
      return out
    },
    checkUnproven(auth) {
      // RFC 9449 §7.2: a bound token sent as a bearer token is refused, or binding would mean nothing.
      if (boundThumbprint(auth.claims) !== undefined) throw new AuthError('invalid_token', 'The token is DPoP-bound: send it with the DPoP scheme and a proof')
      if (mode === 'required') throw new AuthError('invalid_token', 'Only DPoP-bound tokens are accepted')
      return auth
    },
    check(view, found, auth) {
      if (found.source !== DPOP_SOURCE) return this.checkUnproven(auth)
      const jkt = boundThumbprint(auth.claims)
      if (jkt === undefined) throw new AuthError('invalid_token', 'The token sent with the DPoP scheme is not DPoP-bound')
      const proof = readProofHeader(view, maxProofLength)
      if (typeof proof !== 'string') refuseProof(proof.reason)
      const { claims, thumbprint } = checkProof(proof, algorithms)
      if (claims.htm !== view.method) refuseProof('The DPoP proof "htm" is not the request method')
      checkHtu(view, claims.htu)
      const now = clock.now()
      if (claims.iat > now / 1000 + clockTolerance) refuseProof('The DPoP proof is issued in the future')
      if (claims.iat < now / 1000 - maxProofAge) refuseProof('The DPoP proof is too old')
      if (claims.ath !== accessTokenHash(found.token)) refuseProof('The DPoP proof "ath" is not the hash of the access token')
      if (thumbprint !== jkt) refuseProof('The DPoP proof key is not the key the token is bound to')
      if (nonces !== undefined && (typeof claims.nonce !== 'string' || !nonces.accepts(claims.nonce))) {
        throw new AuthError('use_dpop_nonce', typeof claims.nonce === 'string' ? 'The DPoP nonce is not current' : undefined)
      }
      // Kept until no proof with this iat is accepted any more, plus a second for rounding.
      const ttl = Math.max(1, Math.ceil((claims.iat + maxProofAge) * 1000 - now) + 1000)
      return spend(view, proof, `${thumbprint}.${claims.jti}`, ttl, auth)
    },
    decorate(err, view) {
      if (!isAuthError(err) || err.dpop !== undefined) return err
      const scheme = authorizationScheme(view)
      err.dpop = {
        algs,
        bearer: mode === 'allowed',
        scheme: scheme === 'dpop' || scheme === 'bearer' ? scheme : undefined,
        ...(nonces === undefined ? {} : { nonce: nonces.current() }),
      }
      return err
    },
  }
}
