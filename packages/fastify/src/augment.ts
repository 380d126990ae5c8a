import type { AuthContext } from '@hivegate/core'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Who the caller is, set by the hivegate plugin's `onRequest` hook. Undefined when `optional`
     * let an anonymous request through, or on a route with `config: { hivegate: false }`.
     */
    auth: AuthContext | undefined
  }
  interface FastifyContextConfig {
    /** `false`: a public route, which the hivegate plugin does not authenticate. */
    hivegate?: boolean
  }
}

export {}
