import * as oauth from 'oauth4webapi'
import { LoginError, isLoginError } from '../errors.js'

/** A LoginError for a failure while talking to the provider or checking its answer. */
export function providerFailure(err: unknown, step: 'discovery' | 'token', signal: AbortSignal): LoginError {
  if (isLoginError(err)) return err
  if (signal.aborted) return new LoginError('provider_timeout', undefined, { cause: err })
  if (err instanceof oauth.ResponseBodyError) {
    return step === 'token' && err.status >= 400 && err.status < 500
      ? new LoginError('token_exchange_failed', undefined, { cause: err })
      : new LoginError('provider_error', undefined, { cause: err })
  }
  if (err instanceof oauth.OperationProcessingError) {
    const claim = (err.cause as { claim?: unknown } | undefined)?.claim
    if (err.code === oauth.JWT_CLAIM_COMPARISON && claim === 'nonce') return new LoginError('nonce_mismatch', undefined, { cause: err })
    if (step === 'token' && err.code !== oauth.RESPONSE_IS_NOT_JSON && err.code !== oauth.RESPONSE_IS_NOT_CONFORM) {
      return new LoginError('id_token_invalid', undefined, { cause: err })
    }
    return new LoginError('provider_error', undefined, { cause: err })
  }
  if (err instanceof TypeError || (err instanceof Error && err.name === 'AbortError')) {
    return new LoginError('provider_unavailable', undefined, { cause: err })
  }
  return new LoginError('provider_error', undefined, { cause: err })
}
