/** How one JWKS request is made. */
export interface JwksRequest {
  url: URL
  timeout: number
  maxResponseSize: number
  headers: Readonly<Record<string, string>>
  /** Aborts the request when the key store closes. */
  signal: AbortSignal
}

/** A failed JWKS request, with a message safe to log (never the body). */
export class JwksFetchError extends Error {
  override readonly name = 'JwksFetchError'
}

/**
 * GETs a JWKS and parses it as JSON. The body is streamed and reading stops as soon as it exceeds
 * `maxResponseSize` (a Content-Length is only trusted to refuse early, never to accept); redirects
 * are refused; the whole exchange, body included, is bounded by `timeout`.
 */
export async function fetchJwks(request: JwksRequest): Promise<unknown> {
  const signal = AbortSignal.any([request.signal, AbortSignal.timeout(request.timeout)])
  let response: Response
  try {
    response = await fetch(request.url, {
      headers: { accept: 'application/json, application/jwk-set+json', ...request.headers },
      redirect: 'manual',
      signal,
    })
  } catch (err) {
    throw new JwksFetchError(describe(err, request.timeout))
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {})
    throw new JwksFetchError(`expected status 200, got ${response.status}`)
  }
  const declared = Number(response.headers.get('content-length'))
  if (declared > request.maxResponseSize) {
    await response.body?.cancel().catch(() => {})
    throw new JwksFetchError(`response larger than ${request.maxResponseSize} bytes`)
  }
  const text = await readBounded(response, request.maxResponseSize, request.timeout)
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new JwksFetchError('response is not JSON')
  }
}

async function readBounded(response: Response, limit: number, timeout: number): Promise<string> {
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > limit) {
        await reader.cancel().catch(() => {})
        throw new JwksFetchError(`response larger than ${limit} bytes`)
      }
      chunks.push(value)
    }
  } catch (err) {
    if (err instanceof JwksFetchError) throw err
    throw new JwksFetchError(describe(err, timeout))
  }
  return Buffer.concat(chunks, total).toString('utf8')
}

function describe(err: unknown, timeout: number): string {
  const name = (err as { name?: unknown } | null)?.name
  if (name === 'TimeoutError') return `no response within ${timeout} ms`
  if (name === 'AbortError') return 'request aborted'
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause?.code
  return typeof cause === 'string' ? `request failed (${cause})` : 'request failed'
}
