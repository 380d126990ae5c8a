import * as oauth from 'oauth4webapi'
import { providerFailure } from './provider-errors.js'

/** Options for every oauth4webapi request: a timeout, and plain http only when the issuer is loopback http. */
export function requestOptions(insecure: boolean, timeout: number): { signal: AbortSignal; [oauth.allowInsecureRequests]?: boolean } {
  const signal = AbortSignal.timeout(timeout)
  return insecure ? { signal, [oauth.allowInsecureRequests]: true } : { signal }
}

/**
 * The provider metadata, discovered once and reused; a failed discovery is not cached, so the
 * next login tries again.
 */
export function createDiscovery(issuer: URL, insecure: boolean, timeout: number): () => Promise<oauth.AuthorizationServer> {
  let pending: Promise<oauth.AuthorizationServer> | undefined
  return () => {
    pending ??= (async () => {
      const options = requestOptions(insecure, timeout)
      try {
        const response = await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oidc' })
        return await oauth.processDiscoveryResponse(issuer, response)
      } catch (err) {
        throw providerFailure(err, 'discovery', options.signal)
      }
    })()
    pending.catch(() => {
      pending = undefined
    })
    return pending
  }
}
