import type { AuthContext } from '@hivegate/core'

// Koa types every middleware's `ctx.state` as DefaultState unless an app says otherwise.
declare module 'koa' {
  interface DefaultState {
    /**
     * Who the caller is, set by `hivegate()`. Undefined when `optional` let an anonymous
     * request through, or on a route where `hivegate()` did not run.
     */
    auth?: AuthContext | undefined
  }
}

export {}
