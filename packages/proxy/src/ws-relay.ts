import WebSocket, { type RawData } from 'ws'
import { CLOSE_BAD_GATEWAY, CLOSE_GOING_AWAY, closeReason, forwardCloseCode } from './close-codes.js'

/** How one client connection is relayed. */
export interface RelayOptions {
  /** `ws:`/`wss:` URL of the upstream endpoint. */
  url: string
  headers: Record<string, string>
  /** The subprotocol the gateway agreed with the client, offered to the upstream. */
  protocol: string | undefined
  maxMessageSize: number
  maxPendingBytes: number
  highWaterMark: number
  /** Handshake timeout, ms. */
  timeout: number
}

function size(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0)
  return data instanceof ArrayBuffer ? data.byteLength : data.length
}

// Pauses the reading side while the writing side has too much queued, resumes once it drained.
function pipe(from: WebSocket, to: WebSocket, highWaterMark: number, data: RawData, isBinary: boolean): void {
  to.send(data, { binary: isBinary }, () => {
    if (from.isPaused && to.bufferedAmount <= highWaterMark / 2) from.resume()
  })
  if (to.bufferedAmount > highWaterMark && !from.isPaused) from.pause()
}

/**
 * Opens the upstream WebSocket for an accepted client and relays frames both ways (text stays
 * text, binary stays binary) until either side closes; then closes the other with a valid code.
 * Returns a function that ends both sides at once.
 */
export function relayWebSocket(client: WebSocket, options: RelayOptions): () => void {
  const upstream = new WebSocket(options.url, options.protocol ? [options.protocol] : [], {
    headers: options.headers,
    maxPayload: options.maxMessageSize,
    handshakeTimeout: options.timeout,
    perMessageDeflate: false,
    followRedirects: false,
  })
  const pending: Array<{ data: RawData; isBinary: boolean }> = []
  let pendingBytes = 0
  let done = false

  const finish = (clientCode: number, clientReason: string, upstreamCode: number, upstreamReason: string): void => {
    if (done) return
    done = true
    pending.length = 0
    closeSide(client, clientCode, clientReason)
    closeSide(upstream, upstreamCode, upstreamReason)
  }

  client.on('message', (data, isBinary) => {
    if (done) return
    if (upstream.readyState === WebSocket.OPEN) return pipe(client, upstream, options.highWaterMark, data, isBinary)
    pendingBytes += size(data)
    if (pendingBytes > options.maxPendingBytes) {
      finish(1008, 'Too much data before the upstream connection opened', CLOSE_GOING_AWAY, '')
      return
    }
    pending.push({ data, isBinary })
  })
  upstream.on('open', () => {
    if (done) return
    for (const { data, isBinary } of pending.splice(0)) pipe(client, upstream, options.highWaterMark, data, isBinary)
    pendingBytes = 0
  })
  upstream.on('message', (data, isBinary) => {
    if (!done) pipe(upstream, client, options.highWaterMark, data, isBinary)
  })
  upstream.on('close', (code, reason) => {
    finish(forwardCloseCode(code, CLOSE_BAD_GATEWAY), closeReason(reason), code, '')
  })
  upstream.on('unexpected-response', (_req, res) => {
    res.resume()
    finish(CLOSE_BAD_GATEWAY, 'The upstream refused the connection', CLOSE_GOING_AWAY, '')
  })
  upstream.on('error', () => {
    finish(CLOSE_BAD_GATEWAY, 'The upstream server is unavailable', CLOSE_GOING_AWAY, '')
  })
  client.on('close', (code, reason) => {
    finish(code, '', forwardCloseCode(code, CLOSE_GOING_AWAY), closeReason(reason))
  })
  client.on('error', () => {
    finish(1011, '', CLOSE_GOING_AWAY, '')
  })

  return () => finish(CLOSE_GOING_AWAY, 'The gateway is shutting down', CLOSE_GOING_AWAY, '')
}

// Closes politely when open, cuts when still connecting, and never waits for a peer that is gone.
function closeSide(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.OPEN) {
    if (ws.isPaused) ws.resume()
    ws.close(forwardCloseCode(code, 1011), reason)
  } else if (ws.readyState === WebSocket.CONNECTING) {
    ws.terminate()
  }
}
