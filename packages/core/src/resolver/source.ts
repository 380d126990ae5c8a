import type { RequestView } from '../request-view.js'

/** What a token source finds in a request. Discovery never throws; the resolver judges. */
export type SourceOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'malformed'; readonly reason: string }

/** A place a token may be carried. */
export interface TokenSource {
  readonly name: string
  read(view: RequestView): SourceOutcome
}

export type BuiltInSourceName = 'cookie' | 'bearer' | 'authMessage' | 'query'

/** The token and where it came from. */
export interface ResolvedToken {
  readonly token: string
  readonly source: string
}

/** Finds the token of a request: null when none is carried; throws `invalid_request` when malformed. */
export type Resolver = (view: RequestView) => ResolvedToken | null
