/** What an authenticator with DPoP on adds to a refusal's challenge (RFC 9449 §7.1). */
export interface DpopChallenge {
  /** The proof algorithms accepted, space-separated, for the `algs` attribute. */
  readonly algs: string
  /** Bearer tokens are accepted too (`allowed` mode): a `Bearer` challenge is offered beside `DPoP`. */
  readonly bearer: boolean
  /** The scheme the refused request used in `Authorization`, which gets the error attributes. */
  readonly scheme: 'bearer' | 'dpop' | undefined
  /** The nonce the next proof must carry (`DPoP-Nonce` header), when nonces are on. */
  readonly nonce?: string
}

/**
 * The `WWW-Authenticate` value of a refusal under DPoP: a `DPoP` challenge with `algs`, and in
 * `allowed` mode a `Bearer` one before it. The error goes on the challenge of the scheme the
 * request used; a DPoP error (`invalid_dpop_proof`, `use_dpop_nonce`) always on `DPoP`.
 * `realm`, `description` and `params` (further auth-params such as RFC 9470's `acr_values`,
 * which go with the error) come already escaped.
 */
export function dpopChallenge(
  challenge: DpopChallenge | undefined,
  realm: string | undefined,
  error: string | undefined,
  description: string | undefined,
  params: readonly string[] = [],
): string {
  const dpop: string[] = []
  const bearer: string[] = []
  if (realm !== undefined) dpop.push(`realm="${realm}"`), bearer.push(`realm="${realm}"`)
  const offerBearer = challenge?.bearer === true
  if (error !== undefined) {
    const onDpop = error === 'invalid_dpop_proof' || error === 'use_dpop_nonce' || !offerBearer || challenge?.scheme === 'dpop'
    const target = onDpop ? dpop : bearer
    target.push(`error="${error}"`)
    if (description !== undefined) target.push(`error_description="${description}"`)
    target.push(...params)
  }
  if (challenge !== undefined) dpop.push(`algs="${challenge.algs}"`)
  const dpopText = dpop.length === 0 ? 'DPoP' : `DPoP ${dpop.join(', ')}`
  if (!offerBearer) return dpopText
  return `${bearer.length === 0 ? 'Bearer' : `Bearer ${bearer.join(', ')}`}, ${dpopText}`
}
