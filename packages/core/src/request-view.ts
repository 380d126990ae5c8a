/**
 * What core needs to know of a request, whatever produced it: an Express `req`, a Koa `ctx`, an
 * upgrade `IncomingMessage`, or an auth message on an open connection.
 */
export interface RequestView {
  /** Header values with lower-case names, as Node's `IncomingMessage.headers` gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /**
   * Raw header lines `[name, value, name, value, …]` (`IncomingMessage.rawHeaders`). Node keeps
   * only the first `Authorization` line in `headers`; a proxy in front may act on the last, so a
   * request with two is refused.
   */
  readonly rawHeaders?: readonly string[]
  /** Cookies the host already parsed (e.g. cookie-parser); otherwise read from the header. */
  readonly cookies?: Readonly<Record<string, string | undefined>>
  /** Request target (path and query), e.g. `req.originalUrl` or `req.url`. */
  readonly url?: string
  /** HTTP method; `GET` for an upgrade. */
  readonly method?: string
  /** The text of an auth message on a persistent connection. */
  readonly message?: string
}

/** A view of an auth message received on an open connection. */
export function messageView(message: string): RequestView {
  return { headers: {}, message }
}
