import type { AuthContext } from '@hivegate/core'
import type { RawData, WebSocket, WebSocketServer } from 'ws'
import { closeReason } from './close-codes.js'
import { Session, type Inbound, type SessionContext } from './session.js'

type Emit = WebSocket['emit']

interface PayloadBound {
  _maxPayload?: number
}

// ws keeps its payload bound on the receiver and the deflate extension: no public setter exists,
// so the quarantine bound is applied there while it lasts (and checked again per message).
function payloadBounds(ws: WebSocket): PayloadBound[] {
  const internals = ws as unknown as { _receiver?: PayloadBound; _extensions?: Record<string, PayloadBound> }
  const out: PayloadBound[] = []
  if (typeof internals._receiver?._maxPayload === 'number') out.push(internals._receiver)
  const deflate = internals._extensions?.['permessage-deflate']
  if (typeof deflate?._maxPayload === 'number') out.push(deflate)
  return out
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, chunk) => n + chunk.length, 0)
  return data.byteLength
}

function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8')
}

/**
 * Wraps an upgraded WebSocket in a session: its 'message' events pass through the session first,
 * so nothing reaches the application before the connection is trusted, and re-authentication
 * messages never do. Quarantined connections are kept out of `wss.clients` so that broadcasts
 * skip them.
 */
export function adopt(
  wss: WebSocketServer,
  ws: WebSocket,
  ctx: Omit<SessionContext<WebSocket>, 'onTrusted'>,
  onTrusted: (session: Session<WebSocket>, auth: AuthContext) => void,
  auth: AuthContext | undefined,
): Session<WebSocket> {
  const emit: Emit = ws.emit
  const bounds = payloadBounds(ws)
  const saved = bounds.map((b) => b._maxPayload!)
  const session = new Session<WebSocket>(
    ws,
    {
      send(text) {
        if (ws.readyState === ws.OPEN) ws.send(text)
      },
      close(closing) {
        // Read on, or the peer's close frame would never be seen (messages after this are dropped).
        ws.resume()
        ws.close(closing.closeCode, closeReason(closing.message))
      },
      pause: () => ws.pause(),
      resume: () => ws.resume(),
      deliver: (message) => emit.call(ws, 'message', ...(message.raw as [RawData, boolean])),
    },
    {
      ...ctx,
      onTrusted(s) {
        bounds.forEach((b, i) => (b._maxPayload = saved[i]))
        if (ws.readyState === ws.OPEN) wss.clients?.add(ws)
        onTrusted(s, s.auth!)
      },
    },
  )
  const limit = ctx.limits.maxMessageSize
  ws.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'message') {
      const data = args[0] as RawData
      const size = byteLength(data)
      const text = args[1] === true || size > limit ? undefined : toText(data)
      const message: Inbound = { text, size, raw: args }
      if (session.receive(message)) return true
    }
    return emit.call(this, event, ...args)
  } as Emit
  const onControl = (): void => session.control()
  ws.on('ping', onControl)
  ws.on('pong', onControl)
  // A peer's protocol error ends in 'close'; without a listener ws would throw it.
  ws.on('error', () => {})
  ws.once('close', () => session.ended())
  if (auth !== undefined) {
    session.trust(auth)
  } else {
    wss.clients?.delete(ws)
    bounds.forEach((b) => (b._maxPayload = b._maxPayload! > 0 ? Math.min(b._maxPayload!, limit) : limit))
    session.quarantine()
  }
  return session
}
