import type { RequestView, SourceOutcome, TokenSource } from '@hivegate/core'
import type { WebSocketServer } from 'ws'

function offered(view: RequestView): string[] {
  const header = view.headers['sec-websocket-protocol']
  const value = Array.isArray(header) ? header.join(',') : header
  if (value === undefined) return []
  return value.split(',').map((p) => p.trim()).filter((p) => p !== '')
}

/**
 * A token source for browsers, which cannot set headers on a WebSocket: the client offers the
 * protocol `<prefix><token>` next to a non-secret one, e.g.
 * `new WebSocket(url, ['hivekit', 'bearer.' + token])`. Opt-in (`subprotocolTokenPrefix`).
 */
export function subprotocolSource(prefix: string): TokenSource {
  return {
    name: 'subprotocol',
    read(view: RequestView): SourceOutcome {
      const hits = offered(view).filter((p) => p.startsWith(prefix))
      if (hits.length === 0) return { kind: 'none' }
      if (hits.length > 1) return { kind: 'malformed', reason: 'More than one token protocol was offered' }
      const token = hits[0]!.slice(prefix.length)
      if (token === '') return { kind: 'malformed', reason: 'The token protocol carries no token' }
      return { kind: 'token', token }
    },
  }
}

type HandleProtocols = (protocols: Set<string>, request: unknown) => string | false

/**
 * Makes `wss` answer a non-secret protocol: protocols starting with `prefix` are removed before
 * the server's own `handleProtocols` (or ws's default, the first offered) picks one, so the token
 * is never echoed in the handshake response. Returns the function that undoes it.
 */
export function hideTokenProtocols(wss: WebSocketServer, prefix: string): () => void {
  const options = wss.options as { handleProtocols?: HandleProtocols | null }
  const original = options.handleProtocols ?? undefined
  const hide: HandleProtocols = (protocols, request) => {
    const rest = new Set([...protocols].filter((p) => !p.startsWith(prefix)))
    if (rest.size === 0) return false
    return original === undefined ? rest.values().next().value! : original(rest, request)
  }
  options.handleProtocols = hide
  return () => {
    if (options.handleProtocols === hide) options.handleProtocols = original ?? null
  }
}
