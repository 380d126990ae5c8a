import type { IncomingMessage, ServerResponse } from 'node:http'
import { AccessError, invalid } from '../errors.js'

/** Largest request body the admin surfaces read, bytes. */
export const MAX_BODY_BYTES = 64 * 1024

/** The body's fields: a JSON object, or a form (`application/x-www-form-urlencoded`). */
export type Fields = Record<string, unknown>

/** What kind of body a request carries, by its media type; undefined for any other. */
export function bodyKind(req: IncomingMessage): 'json' | 'form' | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type === 'application/json') return 'json'
  if (type === 'application/x-www-form-urlencoded') return 'form'
  return undefined
}

/** Reads at most {@link MAX_BODY_BYTES}; a larger body is refused before it is all read. */
export async function readFields(req: IncomingMessage, res: ServerResponse, kind: 'json' | 'form'): Promise<Fields> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > MAX_BODY_BYTES) throw new AccessError('invalid_input', `the request body must be at most ${MAX_BODY_BYTES} bytes`, 'body')
  if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new AccessError('invalid_input', `the request body must be at most ${MAX_BODY_BYTES} bytes`, 'body')
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (kind === 'form') {
    const fields: Fields = {}
    for (const [name, value] of new URLSearchParams(text)) {
      if (Object.hasOwn(fields, name)) throw invalid(name, 'is given twice')
      fields[name] = value
    }
    return fields
  }
  if (text === '') return {}
  try {
    return JSON.parse(text) as Fields
  } catch {
    throw invalid('body', 'must be JSON')
  }
}
