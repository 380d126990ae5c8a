export interface OAuthExample {
  /** `http://127.0.0.1:PORT` of the app. */
  url: string
  /** The HiveMP stand-in. */
  hivempUrl: string
  /** The local OpenID provider's issuer. */
  issuer: string
  close(): Promise<void>
}

/** Starts the example: the app, the HiveMP stand-in and the OpenID provider, each on 127.0.0.1. */
export declare function createOAuthExample(options?: { port?: number; secret?: Uint8Array }): Promise<OAuthExample>
