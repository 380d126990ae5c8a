import { createVerifier, isAuthError, type Clock, type Verifier } from '@hivegate/core'
import type { AuthorizationServer } from 'oauth4webapi'
import { LoginError } from '../errors.js'
import { isLoopbackHost } from '../url-rules.js'

/**
 * Checks the ID token's signature against the provider's JWKS with core's verifier (keys bound to
 * their algorithms, `none` refused), on top of oauth4webapi's claim checks: OpenID Connect allows
 * skipping it for a token fetched over TLS, but the check costs one cached JWKS fetch.
 */
export function createIdTokenSignatureCheck(clientId: string, insecure: boolean, timeout: number, clock: Clock): (as: AuthorizationServer, idToken: string) => Promise<void> {
  let verifier: Verifier | undefined
  return async (as, idToken) => {
    if (verifier === undefined) {
      if (as.jwks_uri === undefined) throw new LoginError('provider_error', 'The provider publishes no jwks_uri')
      const url = new URL(as.jwks_uri)
      // Plain http only when the issuer itself is a loopback http URL, and only to loopback.
      if (url.protocol !== 'https:' && !(insecure && url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
        throw new LoginError('provider_error', 'The provider jwks_uri is not https')
      }
      verifier = createVerifier({
        issuer: as.issuer,
        audience: clientId,
        keys: { jwks: { url, timeout, allowHttp: url.protocol === 'http:' } },
        cache: false,
        clock,
      })
    }
    try {
      await verifier.verify(idToken)
    } catch (err) {
      if (isAuthError(err) && err.code === 'keys_unavailable') throw new LoginError('provider_unavailable', 'The provider keys cannot be fetched', { cause: err })
      throw new LoginError('id_token_invalid', undefined, { cause: err })
    }
  }
}
