import type { AuthContext } from '@hivegate/core'

// Augments the global namespace that both @types/express 4 and 5 merge into `Request`.
declare global {
  namespace Express {
    interface Request {
      /**
       * Who the caller is, set by `hivegate()`. Undefined when `optional` let an anonymous
       * request through, or on a route where `hivegate()` did not run.
       */
      auth?: AuthContext | undefined
    }
  }
}

export {}
