// A JWKS endpoint on 127.0.0.1 that counts fetches and misbehaves on request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { JsonWebKey } from 'node:crypto'
import { close, listen } from './listen.js'

/**
 * What the next requests get:
 * - `serve`: 200 with the current document;
 * - `fail`: 500;
 * - `hang`: headers never sent (for timeouts);
 * - `malformed`: 200 with `body` as is;
 * - `oversized`: 200, no Content-Length, a body that never ends (stops when the client goes away);
 * - `custom`: `handler` answers.
 */
export type JwksBehaviour = 'serve' | 'fail' | 'hang' | 'malformed' | 'oversized' | 'custom'

export interface JwksServer {
  /** URL of the JWKS document. */
  readonly url: string
  /** Requests received so far. */
  readonly fetches: number
  behaviour: JwksBehaviour
  /** The document served by `serve`; replace it to rotate keys. */
  document: { keys: JsonWebKey[] } | unknown
  /** Raw body for `malformed`. */
  body: string
  /** Answers `custom`. */
  handler: (req: IncomingMessage, res: ServerResponse) => void
  /** Holds responses until `release()`: a deterministic "slow" endpoint. */
  hold(): void
  release(): void
  /** Resolves when the next request arrives. */
  nextFetch(): Promise<void>
  close(): Promise<void>
}

/** Starts a JWKS server serving `document`. Close it in an `after`/`afterEach` hook. */
export async function startJwksServer(document: unknown = { keys: [] }): Promise<JwksServer> {
  let fetches = 0
  let held: Array<() => void> | undefined
  const waiters: Array<() => void> = []
  const hanging = new Set<ServerResponse>()

  function answer(res: ServerResponse): void {
    switch (state.behaviour) {
      case 'serve':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.document))
        return
      case 'fail':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error')
        return
      case 'hang':
        hanging.add(res)
        return
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' }).end(state.body)
        return
      case 'oversized':
        streamForever(res)
        return
      case 'custom':
        return
    }
  }

  const server = createServer((req, res) => {
    fetches++
    for (const wake of waiters.splice(0)) wake()
    if (state.behaviour === 'custom') {
      state.handler(req, res)
      return
    }
    if (held !== undefined) held.push(() => answer(res))
    else answer(res)
  })
  const base = await listen(server)

  const state: JwksServer = {
    url: `${base}/.well-known/jwks.json`,
    get fetches() {
      return fetches
    },
    behaviour: 'serve',
    document,
    body: '',
    handler: (_req, res) => res.end(),
    hold() {
      held ??= []
    },
    release() {
      const pending = held ?? []
      held = undefined
      for (const run of pending) run()
    },
    nextFetch() {
      return new Promise<void>((resolve) => waiters.push(resolve))
    },
    async close() {
      held = undefined
      for (const res of hanging) res.destroy()
      await close(server)
    },
  }
  return state
}

function streamForever(res: ServerResponse): void {
  const chunk = Buffer.alloc(64 * 1024, 0x20)
  res.writeHead(200, { 'content-type': 'application/json' })
  res.write('{"keys":[')
  let open = true
  res.on('close', () => {
    open = false
  })
  const pump = (): void => {
    while (open && res.write(chunk));
    if (open) res.once('drain', pump)
  }
  pump()
}
