import { LoginError } from '../errors.js'
import type { UserSessionWithSecrets } from './session-data.js'

/** How the provider API is called. */
export interface ProviderCallOptions {
  /** API base URL, e.g. `https://user-session-api.hivemp.com/v1`. */
  apiUrl: URL
  /** Per-request timeout, ms. */
  timeout: number
  /** Largest response body accepted, bytes. */
  maxResponseSize: number
  fetch: typeof fetch
}

async function readLimited(response: Response, max: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > max) throw new LoginError('provider_error', 'The provider response is too large')
  if (response.body === null) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = response.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      await reader.cancel()
      throw new LoginError('provider_error', 'The provider response is too large')
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** GETs `path` under the API URL with the session key; the parsed JSON object. */
async function getJson(path: string, apiKey: string, options: ProviderCallOptions): Promise<Record<string, unknown>> {
  const base = options.apiUrl.href.endsWith('/') ? options.apiUrl.href : `${options.apiUrl.href}/`
  const url = new URL(path, base)
  const signal = AbortSignal.timeout(options.timeout)
  let response: Response
  let text: string
  try {
    response = await options.fetch(url, { headers: { 'X-API-Key': apiKey, Accept: 'application/json' }, redirect: 'error', signal })
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel()
      throw new LoginError('provider_rejected')
    }
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel()
      throw new LoginError('provider_error', `The provider answered ${path} with HTTP ${response.status}`)
    }
    text = await readLimited(response, options.maxResponseSize)
  } catch (err) {
    if (err instanceof LoginError) throw err
    if (signal.aborted) throw new LoginError('provider_timeout', `The provider did not answer ${path} in time`, { cause: err })
    throw new LoginError('provider_unavailable', undefined, { cause: err })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new LoginError('provider_error', `The provider answered ${path} with something other than JSON`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LoginError('provider_error', `The provider answered ${path} with something other than a JSON object`)
  }
  return value as Record<string, unknown>
}

/**
 * Confirms a session with the provider before trusting it: `GET /project/public` with its key
 * must name `projectId`, then `GET /session` must return the same session id. Resolves to the
 * provider's own `expiry` for it (epoch s) when `/session` answers one: the posted data is the
 * browser's word, and a user could stretch it.
 *
 * @throws LoginError `project_mismatch`, `session_mismatch`, `provider_rejected`, `provider_error`,
 *   `provider_timeout` or `provider_unavailable`
 */
export async function verifySessionWithProvider(
  session: UserSessionWithSecrets,
  projectId: string,
  options: ProviderCallOptions,
): Promise<{ expiry: number | undefined }> {
  const project = await getJson('project/public', session.apiKey, options)
  if (project.id !== projectId) throw new LoginError('project_mismatch')
  const confirmed = await getJson('session', session.apiKey, options)
  if (confirmed.id !== session.id) throw new LoginError('session_mismatch')
  if (confirmed.accountId !== undefined && confirmed.accountId !== session.accountId) throw new LoginError('session_mismatch')
  return { expiry: Number.isSafeInteger(confirmed.expiry) ? (confirmed.expiry as number) : undefined }
}
