import type { ServerResponse } from 'node:http'

// Admin answers hold one-time secrets: never cached, framed or sniffed; same-origin keeps the Origin header on forms.
function secure(res: ServerResponse): void {
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'same-origin')
  res.setHeader('X-Frame-Options', 'DENY')
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  secure(res)
  const text = JSON.stringify(body)
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

/** An HTML page under a CSP that allows only its own nonce-tagged style and script. */
export function sendHtml(res: ServerResponse, status: number, html: string, nonce: string, headers: Record<string, string> = {}): void {
  secure(res)
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  })
  res.end(html)
}

export function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  secure(res)
  res.writeHead(303, { ...headers, Location: location, 'Content-Length': 0 })
  res.end()
}
