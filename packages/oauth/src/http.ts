import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { LoginError, isLoginError } from './errors.js'
import { parseCookieHeader } from './cookies.js'

/** A request as the login flows see it, whatever framework received it. */
export interface FlowRequest {
  readonly method: string
  /** Full path of the request (mount prefixes included), without the query. */
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
  readonly cookies: Readonly<Record<string, string>>
  /** The urlencoded body fields, read with a size limit. */
  readForm(maxBytes: number): Promise<URLSearchParams>
}

/** A response the framework glue writes out. */
export interface FlowResponse {
  status: number
  headers: Record<string, string>
  /** `Set-Cookie` values. */
  cookies: string[]
  body: string
}

/** Builds a FlowRequest from a Node request; `parsedBody` is a body a framework already parsed. */
export function flowRequest(req: IncomingMessage, originalUrl: string, parsedBody?: unknown): FlowRequest {
  const url = new URL(originalUrl, 'http://placeholder.invalid')
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    cookies: parseCookieHeader(req.headers.cookie),
    readForm: (maxBytes) => readForm(req, maxBytes, parsedBody),
  }
}

async function readForm(req: IncomingMessage, maxBytes: number, parsedBody: unknown): Promise<URLSearchParams> {
  if (parsedBody !== null && typeof parsedBody === 'object' && !Buffer.isBuffer(parsedBody) && Object.keys(parsedBody).length > 0) {
    const fields = new URLSearchParams()
    for (const [k, v] of Object.entries(parsedBody as Record<string, unknown>)) if (typeof v === 'string') fields.set(k, v)
    if (fields.toString().length > maxBytes) throw new LoginError('payload_too_large')
    return fields
  }
  const type = String(req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded') throw new LoginError('session_data_invalid', 'The body must be a urlencoded form')
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (declared > maxBytes) throw new LoginError('payload_too_large')
  if (req.readableEnded) return new URLSearchParams()
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > maxBytes) {
        cleanup()
        req.resume()
        reject(new LoginError('payload_too_large'))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(Buffer.concat(chunks).toString('utf8'))
    }
    const onError = (err: Error): void => {
      cleanup()
      reject(new LoginError('session_data_invalid', 'The body could not be read', { cause: err }))
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  })
  return new URLSearchParams(text)
}

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
}

/** A 303 to `location` with the given cookies. */
export function redirect(location: string, cookies: string[] = []): FlowResponse {
  return { status: 303, headers: { ...SECURITY_HEADERS, Location: location, 'Content-Type': 'text/plain; charset=utf-8' }, cookies, body: 'Redirecting' }
}

/** An HTML page, not cached and not leaking the URL as referrer. */
export function page(status: number, html: string, headers: Record<string, string> = {}): FlowResponse {
  return { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', ...headers }, cookies: [], body: html }
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * The response for a failure: JSON `{ error, error_description }`, or a small HTML page when the
 * client asks for HTML. Never sets a cookie. Anything not a LoginError becomes `server_error`.
 */
export function errorResponse(err: unknown, req: FlowRequest): FlowResponse {
  const error = isLoginError(err) ? err : new LoginError('server_error')
  const accept = String(req.headers.accept ?? '')
  const headers = error.headers
  if (accept.includes('text/html')) {
    const html = `<!doctype html><meta charset="utf-8"><title>Login failed</title><h1>Login failed</h1><p>${escapeHtml(error.message)}</p><p><code>${error.code}</code></p>`
    return page(error.status, html, { ...headers, 'Content-Security-Policy': "default-src 'none'" })
  }
  return {
    status: error.status,
    headers: { ...SECURITY_HEADERS, ...headers, 'Content-Type': 'application/json; charset=utf-8' },
    cookies: [],
    body: JSON.stringify(error.toJSON()),
  }
}
