import type { IncomingMessage } from 'node:http'
import { createHmac, randomBytes } from 'node:crypto'
import {
  AuthError, createResolver, incomingMessageView, isOriginAllowed, type AuthContext, type OriginRule, type Resolver, type Verifier,
} from '@hivegate/core'
import { sameBytes } from '../operator-key.js'

/** Who is calling the admin surfaces, and with what. */
export interface AdminCaller {
  readonly context: AuthContext
  /** Cookies can be sent by another site's form; a Bearer header cannot. */
  readonly byCookie: boolean
  /** Recorded in the audit trail: the token's `sub`, else its `jti`. */
  readonly actor: string
  /** Form field that proves a page form came from this page for this login. */
  readonly csrf: string
}

/** What each operation needs: a permission `action` (C, R, U, D) on `access/<object>`. */
export type AdminObject = 'secrets' | 'tokens' | 'audit' | 'connections'

export interface CallerRules {
  verifier: Verifier
  realm: string
  /** Cookie the page's own login sets, scoped to the admin path. */
  adminCookie: string
  /** Cookie the OAuth login sets (a signed-in admin need not paste a token). */
  loginCookie: string
  allowedOrigins: OriginRule | undefined
}

function actorOf(context: AuthContext): string {
  const name = context.subject ?? (typeof context.claims.jti === 'string' ? `jti:${context.claims.jti}` : 'token')
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 200)
}

/** Finds and verifies the admin's token and checks what it may do. */
export function createCallers(rules: CallerRules) {
  const bearerOrAdmin: Resolver = createResolver({ sources: ['bearer', 'cookie'], cookieName: rules.adminCookie })
  const login: Resolver = createResolver({ sources: ['cookie'], cookieName: rules.loginCookie })
  // Per process: a restart makes open forms stale, which is the safe way round.
  const csrfKey = randomBytes(32)
  const csrfOf = (token: string): string => createHmac('sha256', csrfKey).update(token).digest('base64url')

  return {
    /** Resolves to the caller, or undefined when the request carries no credentials; rejects with an AuthError. */
    async identify(req: IncomingMessage): Promise<AdminCaller | undefined> {
      const view = incomingMessageView(req)
      const found = bearerOrAdmin(view) ?? login(view)
      if (found === null) return undefined
      const context = await rules.verifier.verify(found.token)
      return { context, byCookie: found.source === 'cookie', actor: actorOf(context), csrf: csrfOf(found.token) }
    },
    /** Verifies a pasted token for the page's login. */
    async verifyPasted(token: string): Promise<AuthContext> {
      return rules.verifier.verify(token)
    },
    csrfOf,
    /** Throws `insufficient_permission` unless the token may do `action` on `object`. */
    require(context: AuthContext, object: AdminObject, action: 'C' | 'R' | 'U' | 'D'): void {
      if (!context.can(rules.realm, `access/${object}`, action)) {
        throw new AuthError('insufficient_permission', `The token lacks "${action}" on ${rules.realm}/access/${object}`)
      }
    },
    /** An unsafe request with cookie credentials must come from an allowed origin (CSRF). */
    checkOrigin(req: IncomingMessage): void {
      if (!isOriginAllowed(incomingMessageView(req), rules.allowedOrigins)) throw new AuthError('origin_not_allowed')
    },
    /** The page's forms carry the login's CSRF value; compared in constant time. */
    checkCsrf(caller: AdminCaller, value: unknown): void {
      if (typeof value !== 'string' || !sameBytes(Buffer.from(value), Buffer.from(caller.csrf))) {
        throw new AuthError('origin_not_allowed', 'The form is stale or from another site: reload the page')
      }
    },
  }
}

export type Callers = ReturnType<typeof createCallers>
