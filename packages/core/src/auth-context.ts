import type { Claims } from './claims.js'
import { inspect } from 'node:util'
import type { CompiledPermissions } from './permissions.js'

/**
 * The AuthContext every adapter hands to the application. The token is kept in a private field
 * behind a getter, so `JSON.stringify`, `console.log` and spread copies never reveal it.
 */
class VerifiedAuthContext implements AuthContext {
  readonly #token: string
  readonly #permissions: CompiledPermissions
  readonly source: string
  readonly claims: Readonly<Claims>
  readonly subject: string | undefined
  readonly tenant: string | undefined
  readonly expiresAt: number | undefined
  readonly validUntil: number | undefined

  constructor(token: string, source: string, claims: Readonly<Claims>, permissions: CompiledPermissions, validUntil: number | undefined) {
    this.#token = token
    this.#permissions = permissions
    this.source = source
    this.claims = claims
    this.subject = typeof claims.sub === 'string' ? claims.sub : undefined
    this.tenant = typeof claims.tnd === 'string' ? claims.tnd : undefined
    this.expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined
    this.validUntil = validUntil
  }

  get token(): string {
    return this.#token
  }

  can(realm: string, object: string, action: string): boolean {
    return this.#permissions.can(realm, object, action)
  }

  providesData(realm: string, object: string): boolean {
    return this.#permissions.providesData(realm, object)
  }

  /** Everything but the token, for logs and API responses. */
  toJSON(): Omit<AuthContext, 'token' | 'can' | 'providesData'> {
    return {
      source: this.source,
      claims: this.claims,
      subject: this.subject,
      tenant: this.tenant,
      expiresAt: this.expiresAt,
      validUntil: this.validUntil,
    }
  }

  [inspect.custom](): string {
    return `AuthContext ${inspect(this.toJSON(), { depth: 4 })}`
  }
}

/**
 * Builds the AuthContext of a verified token. Runs on every verification, cache hits included,
 * so it only copies references: `permissions` is compiled once per token by
 * {@link compilePermissions} and cached with it. `validUntil` is the verifier's deadline for the
 * token (epoch ms; undefined for none); a context built without it has no deadline but `expiresAt`.
 *
 * @example
 * ```ts
 * const auth = createAuthContext(token, 'bearer', claims, compilePermissions(claims))
 * auth.can('london', 'deliveryRides/johndoe-123', 'U')
 * ```
 */
export function createAuthContext(
  token: string,
  source: string,
  claims: Readonly<Claims>,
  permissions: CompiledPermissions,
  validUntil?: number,
): AuthContext {
  return new VerifiedAuthContext(token, source, claims, permissions, validUntil)
}

/** Who the caller is and what it may do; the same object in every adapter. */
export interface AuthContext {
  /** The token as received. Never log it. */
  readonly token: string
  /** Name of the source that carried it: 'cookie', 'bearer', 'authMessage', 'query', or a custom name. */
  readonly source: string
  readonly claims: Readonly<Claims>
  readonly subject: string | undefined
  readonly tenant: string | undefined
  /** Epoch ms of `exp`, or undefined for a token without one. */
  readonly expiresAt: number | undefined
  /**
   * Epoch ms of the first moment the verifier that accepted this token would refuse it on time
   * grounds: `exp` plus `clockTolerance`, or `iat` plus `maxTokenAge` plus `clockTolerance`,
   * whichever comes first (whole seconds, as the verifier compares). Undefined when neither
   * applies. Persistent connections close at it; the verified-token cache drops the token at it.
   */
  readonly validUntil: number | undefined
  /** Does `per` grant every letter of `action` on `object` in `realm`? */
  can(realm: string, object: string, action: string): boolean
  /** Does `dpv` list `object` in `realm`? */
  providesData(realm: string, object: string): boolean
}
