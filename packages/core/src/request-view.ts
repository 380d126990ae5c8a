import type { IncomingMessage } from 'node:http'

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
  /**
   * How the request reached this server, as the host determines it: `'https'` over TLS (or, only
   * where the host is configured to trust its proxy, per `X-Forwarded-Proto`), else `'http'`;
   * undefined when unknown. Named after Express's and Koa's `req.protocol`/`ctx.protocol`. The
   * default origin rule refuses an `http:` Origin for an `'https'` request: a page a network
   * attacker injects on the plain-text site must not ride the cookie to the TLS one.
   */
  readonly protocol?: 'http' | 'https'
  /** The socket peer's address (`req.socket.remoteAddress`): the default key of failure throttling. */
  readonly remoteAddress?: string
}

/**
 * The {@link RequestView.protocol} of a host's protocol name (`req.protocol`, `ctx.protocol`):
 * `'http'` or `'https'` in any case, anything else undefined (unknown).
 */
export function viewProtocol(name: unknown): 'http' | 'https' | undefined {
  if (typeof name !== 'string') return undefined
  const lower = name.toLowerCase()
  return lower === 'https' || lower === 'http' ? lower : undefined
}

/**
 * The view of a plain Node request or upgrade (`http`/`https` server, `upgrade` event). Its
 * `protocol` is `'https'` when the connection itself is TLS (`socket.encrypted`), else `'http'`;
 * `X-Forwarded-Proto` is never read, since any client can send it.
 *
 * @example
 * ```ts
 * server.on('upgrade', (req, socket, head) => authenticator.authenticate(incomingMessageView(req), { checkOrigin: 'always' }))
 * ```
 */
export function incomingMessageView(req: IncomingMessage): RequestView {
  return {
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    url: req.url,
    method: req.method,
    // A TLSSocket says `encrypted: true`; a plain net.Socket has no such property.
    protocol: (req.socket as { encrypted?: unknown } | null)?.encrypted === true ? 'https' : 'http',
    remoteAddress: req.socket?.remoteAddress,
  }
}

/** A view of an auth message received on an open connection. */
export function messageView(message: string): RequestView {
  return { headers: {}, message }
}

/** How an adapter reads, from its own request object, the view fields few requests need. */
export interface DeferredFields<S> {
  protocol(source: S): 'http' | 'https' | undefined
  remoteAddress(source: S): string | undefined
}

/**
 * A view whose `protocol` and `remoteAddress` are read from the host's request only when asked
 * for: the origin check of a cookie and the failure throttle need them, a cached Bearer token
 * does not. One class for every HTTP adapter, so core's hot path sees one shape.
 */
export class DeferredRequestView<S> implements RequestView {
  readonly #source: S
  readonly #fields: DeferredFields<S>

  constructor(
    readonly headers: RequestView['headers'],
    readonly rawHeaders: readonly string[] | undefined,
    readonly cookies: RequestView['cookies'],
    readonly url: string | undefined,
    readonly method: string | undefined,
    source: S,
    fields: DeferredFields<S>,
  ) {
    this.#source = source
    this.#fields = fields
  }

  get protocol(): 'http' | 'https' | undefined {
    return this.#fields.protocol(this.#source)
  }

  get remoteAddress(): string | undefined {
    return this.#fields.remoteAddress(this.#source)
  }
}
