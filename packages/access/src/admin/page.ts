import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { incomingMessageView, isAuthError, type Clock } from '@hivegate/core'
import { AccessError, invalid } from '../errors.js'
import { bodyKind, readFields, type Fields } from './body.js'
import type { AdminCaller, Callers } from './caller.js'
import { confirmPage, dashboard, errorPage, loginPage, shownOnce, type Frame } from './html.js'
import type { Operations } from './operations.js'
import { redirect, sendHtml } from './respond.js'

/** Longest the page's own login lasts, seconds. */
export const ADMIN_COOKIE_MAX_AGE = 8 * 3600

export interface PageContext {
  base: string
  adminCookie: string
  ops: Operations
  callers: Callers
  clock: Clock
}

function cookie(name: string, value: string, base: string, maxAge: number, secure: boolean): string {
  return `${name}=${value}; Path=${base}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`
}

async function formFields(req: IncomingMessage, res: ServerResponse): Promise<Fields> {
  if (bodyKind(req) !== 'form') throw invalid('Content-Type', 'must be application/x-www-form-urlencoded')
  return readFields(req, res, 'form')
}

// A form's empty fields mean "not given"; the csrf field is the page's, not the operation's.
function operationFields(fields: Fields): Fields {
  const out: Fields = {}
  for (const [name, value] of Object.entries(fields)) if (name !== 'csrf' && value !== '') out[name] = value
  return out
}

/** The server-rendered page: `<path>/...` outside `/api`. Resolves false when no route matches. */
export async function answerPage(req: IncomingMessage, res: ServerResponse, route: string, page: PageContext): Promise<boolean> {
  const { base, ops, callers } = page
  const nonce = randomBytes(16).toString('base64')
  const method = req.method ?? 'GET'
  const secure = incomingMessageView(req).protocol === 'https'
  const anonymous: Frame = { title: 'Sign in', nonce, base }
  const signIn = (status: number, message?: string, clear = false): true => {
    sendHtml(res, status, loginPage(anonymous, message), nonce, clear ? { 'Set-Cookie': cookie(page.adminCookie, '', base, 0, secure) } : {})
    return true
  }

  if (route === '/login' && method === 'POST') {
    callers.checkOrigin(req)
    const fields = await formFields(req, res)
    const token = typeof fields.token === 'string' ? fields.token.trim() : ''
    if (token === '') return signIn(400, 'Paste a token to sign in.')
    let maxAge = ADMIN_COOKIE_MAX_AGE
    try {
      const context = await callers.verifyPasted(token)
      callers.require(context, 'tokens', 'R')
      const exp = context.claims.exp
      if (typeof exp === 'number') maxAge = Math.max(1, Math.min(maxAge, exp - Math.floor(page.clock.now() / 1000)))
    } catch (err) {
      if (!isAuthError(err)) throw err
      return signIn(err.status === 403 ? 403 : 401, err.status === 403 ? 'This token has no access-management permission.' : `This token was refused: ${err.message}.`)
    }
    return redirect(res, `${base}/`, { 'Set-Cookie': cookie(page.adminCookie, token, base, maxAge, secure) }), true
  }

  let caller: AdminCaller | undefined
  try {
    caller = await callers.identify(req)
  } catch (err) {
    if (!isAuthError(err)) throw err
    return signIn(401, `Your sign-in was refused: ${err.message}. Sign in again.`, true)
  }
  if (caller === undefined) {
    if (method === 'GET' && (route === '/' || route === '')) return signIn(200)
    return signIn(401, 'Sign in first.')
  }
  const frame: Frame = { title: 'Access', nonce, base, actor: caller.actor, csrf: caller.csrf }
  const html = (status: number, body: string): true => (sendHtml(res, status, body, nonce), true)

  if (method === 'GET') {
    if (route === '') return redirect(res, `${base}/`), true
    if (route === '/') {
      const [tokens, audit] = await Promise.all([ops.listTokens(caller), ops.readAudit(caller, { limit: 20 }).catch(() => [])])
      return html(200, dashboard(frame, { secrets: ops.listSecrets(caller), tokens, audit, now: page.clock.now() }))
    }
    const revoke = /^\/tokens\/([^/]+)\/revoke$/.exec(route)
    if (revoke !== null) {
      const token = await ops.getToken(caller, decodeURIComponent(revoke[1]!))
      return html(200, confirmPage(frame, `Revoke the token "${token.name}"?`,
        'Every request with it is refused from now on, on this gateway and every process on this store, and its open connections are closed. This cannot be undone.',
        `${base}/tokens/${token.id}/revoke`, 'Revoke token'))
    }
    if (route === '/secrets/rotate') {
      return html(200, confirmPage(frame, 'Rotate the signing secret?', 'A new secret signs new static tokens; the active ones become retiring and still verify the tokens they signed.',
        `${base}/secrets/rotate`, 'Rotate'))
    }
    const retire = /^\/secrets\/([^/]+)\/retire$/.exec(route)
    if (retire !== null) {
      const kid = decodeURIComponent(retire[1]!)
      if (!ops.listSecrets(caller).some((s) => s.kid === kid)) throw new AccessError('not_found', 'no secret has this kid', 'kid')
      return html(200, confirmPage(frame, `Retire the secret "${kid}"?`, 'Every token it signed is refused from now on. This cannot be undone.',
        `${base}/secrets/${encodeURIComponent(kid)}/retire`, 'Retire secret'))
    }
    return false
  }
  if (method !== 'POST') return false

  if (caller.byCookie) callers.checkOrigin(req)
  const fields = await formFields(req, res)
  callers.checkCsrf(caller, fields.csrf)
  const input = operationFields(fields)
  if (route === '/logout') return redirect(res, `${base}/`, { 'Set-Cookie': cookie(page.adminCookie, '', base, 0, secure) }), true
  if (route === '/tokens') {
    const { record, value } = await ops.createToken(caller, input)
    return html(201, shownOnce(frame, `Token "${record.name}" created`, value, `Send it as "Authorization: Bearer <token>". Its id is ${record.id}.`))
  }
  if (route === '/secrets' || route === '/secrets/rotate') {
    const { record, value } = route === '/secrets' ? await ops.createSecret(caller, input) : await ops.rotateSecret(caller, input)
    return html(201, shownOnce(frame, `Secret "${record.kid}" created`, value, `Sign your application's tokens with it (${record.alg}, kid "${record.kid}").`))
  }
  const revoke = /^\/tokens\/([^/]+)\/revoke$/.exec(route)
  if (revoke !== null) return await ops.revokeToken(caller, decodeURIComponent(revoke[1]!)), redirect(res, `${base}/`), true
  const retire = /^\/secrets\/([^/]+)\/retire$/.exec(route)
  if (retire !== null) return await ops.retireSecret(caller, decodeURIComponent(retire[1]!)), redirect(res, `${base}/`), true
  return false
}

/** An operation refused on the page: its message, nothing changed. */
export function pageError(res: ServerResponse, base: string, status: number, message: string): void {
  const nonce = randomBytes(16).toString('base64')
  sendHtml(res, status, errorPage({ title: 'Refused', nonce, base }, message), nonce)
}
