export interface OidcProviderOptions {
  /** Redirect URIs registered for the client. */
  redirectUris: string[]
  /** Default `hivegate-web`. */
  clientId?: string
  /** Extra claims per account id; every login name is an account. */
  claims?: Record<string, Record<string, unknown>>
  /** acr values the provider advertises; the login form's `acr` field picks the one a login gets. */
  acrValues?: string[]
}

export interface LocalOidcProvider {
  /** `http://127.0.0.1:PORT`. */
  readonly issuer: string
  /** The `oidc-provider` instance (the package ships no type declarations). */
  readonly provider: any
  readonly clientId: string
  readonly clientSecret: string
  close(): Promise<void>
}

/** Starts a provider on 127.0.0.1 with a free port; its issuer is `http://127.0.0.1:PORT`. */
export declare function startOidcProvider(options: OidcProviderOptions): Promise<LocalOidcProvider>
