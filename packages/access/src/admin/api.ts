import type { IncomingMessage, ServerResponse } from 'node:http'
import { invalid } from '../errors.js'
import { bodyKind, readFields, type Fields } from './body.js'
import type { AdminCaller, Callers } from './caller.js'
import type { Operations } from './operations.js'
import { sendJson } from './respond.js'

const integer = (value: string | null, field: string): number | undefined => {
  if (value === null) return undefined
  if (!/^\d{1,15}$/.test(value)) throw invalid(field, 'must be a positive integer')
  return Number(value)
}

/** The JSON API: `<path>/api/...`. Resolves false when no route matches. */
export async function answerApi(
  req: IncomingMessage, res: ServerResponse, route: string, url: URL, caller: AdminCaller, ops: Operations, callers: Callers,
): Promise<boolean> {
  const method = req.method ?? 'GET'
  const parts = route.split('/').filter((p) => p !== '')
  const [collection, id, verb] = parts.map((p) => decodeURIComponent(p))
  if (parts.length > 3) return false
  let body: Fields = {}
  if (method === 'POST') {
    // A JSON body needs a CORS preflight from another site; cookie callers must also be same-origin.
    if (bodyKind(req) !== 'json') throw invalid('Content-Type', 'must be application/json')
    if (caller.byCookie) callers.checkOrigin(req)
    body = await readFields(req, res, 'json')
  } else if (method !== 'GET') {
    return false
  }
  const get = method === 'GET'
  if (collection === 'secrets') {
    if (id === undefined) {
      if (get) return sendJson(res, 200, { secrets: ops.listSecrets(caller) }), true
      const { record, value } = await ops.createSecret(caller, body)
      return sendJson(res, 201, { secret: record, value }), true
    }
    if (id === 'rotate' && verb === undefined && !get) {
      const { record, value } = await ops.rotateSecret(caller, body)
      return sendJson(res, 201, { secret: record, value }), true
    }
    if (verb === 'retire' && !get) return sendJson(res, 200, { secret: await ops.retireSecret(caller, id) }), true
    return false
  }
  if (collection === 'tokens') {
    if (id === undefined) {
      if (get) return sendJson(res, 200, { tokens: await ops.listTokens(caller) }), true
      const { record, value } = await ops.createToken(caller, body)
      return sendJson(res, 201, { token: record, value }), true
    }
    if (verb === undefined && get) return sendJson(res, 200, { token: await ops.getToken(caller, id) }), true
    if (verb === 'revoke' && !get) return sendJson(res, 200, { token: await ops.revokeToken(caller, id) }), true
    return false
  }
  if (collection === 'connections' && id === 'close' && verb === undefined && !get) {
    return sendJson(res, 200, { closing: await ops.closeConnections(caller, body) }), true
  }
  if (collection === 'audit' && id === undefined && get) {
    const limit = integer(url.searchParams.get('limit'), 'limit')
    const before = integer(url.searchParams.get('before'), 'before')
    const audit = await ops.readAudit(caller, { ...(limit !== undefined && { limit }), ...(before !== undefined && { before }) })
    return sendJson(res, 200, { audit }), true
  }
  return false
}
