// Real `ws` clients for tests: every message is buffered from the first byte, so none is missed
// between 'open' and the test's next await.
import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { connect as netConnect, type Socket } from 'node:net'
import { WebSocket, type ClientOptions, type RawData } from 'ws'

export interface Closed {
  code: number
  reason: string
}

export interface ConnectOptions {
  headers?: Record<string, string>
  protocols?: string | string[]
  /** Extra `ws` client options, e.g. perMessageDeflate. */
  client?: ClientOptions
}

/** A WebSocket client whose text messages queue up until a test asks for them. */
export class TestSocket {
  readonly ws: WebSocket
  /** Resolves when the connection closes, with the code and reason the server sent. */
  readonly closed: Promise<Closed>
  readonly #queue: string[] = []
  readonly #waiting: Array<(message: string) => void> = []

  constructor(ws: WebSocket) {
    this.ws = ws
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    })
    ws.on('message', (data: RawData) => {
      const text = Buffer.isBuffer(data) ? data.toString() : Buffer.from(data as ArrayBuffer).toString()
      const waiter = this.#waiting.shift()
      if (waiter) waiter(text)
      else this.#queue.push(text)
    })
    // Errors end in 'close'; tests look at the close.
    ws.on('error', () => {})
  }

  /** The next text message (rejects if the socket closes first). */
  next(): Promise<string> {
    const queued = this.#queue.shift()
    if (queued !== undefined) return Promise.resolve(queued)
    return new Promise((resolve, reject) => {
      this.#waiting.push(resolve)
      this.closed.then(({ code }) => reject(new Error(`closed with ${code} before a message arrived`)))
    })
  }

  /** The next message, parsed as JSON. */
  async nextJson(): Promise<unknown> {
    return JSON.parse(await this.next())
  }

  /** Messages received and not yet taken. */
  get pending(): readonly string[] {
    return this.#queue
  }

  send(data: string | Buffer): void {
    this.ws.send(data)
  }

  close(): Promise<Closed> {
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate()
    else this.ws.close()
    return this.closed
  }
}

/** Opens a WebSocket; resolves once open, rejects with the HTTP status when the upgrade is refused. */
export function connect(url: string, options: ConnectOptions = {}): Promise<TestSocket> {
  const ws = new WebSocket(url, options.protocols ?? [], { ...options.client, headers: options.headers })
  const socket = new TestSocket(ws)
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket))
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`upgrade refused with ${res.statusCode}`), { status: res.statusCode }))
      res.resume()
      ws.terminate()
    })
    ws.once('close', () => reject(new Error('closed before opening')))
  })
}

export interface Refusal {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** Starts an upgrade that the server must refuse; resolves to the HTTP answer (fails if it upgrades). */
export function refusal(url: string, options: ConnectOptions = {}): Promise<Refusal> {
  const ws = new WebSocket(url, options.protocols ?? [], { ...options.client, headers: options.headers })
  ws.on('error', () => {})
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate()
      reject(new Error('the upgrade was accepted'))
    })
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      const done = (): void => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
        ws.terminate()
      }
      res.on('end', done)
      res.on('error', done)
    })
    ws.once('close', () => reject(new Error('closed without an HTTP answer')))
  })
}

/** `ws://` URL of an `http://` base. */
export function wsUrl(base: string, path = '/'): string {
  return base.replace(/^http/, 'ws') + path
}

/** A WebSocket opened over a bare `net` socket, for frames the `ws` client refuses to send. */
export interface RawWebSocket {
  readonly socket: Socket
  /** The status line and headers of the server's answer. */
  readonly head: string
  /** Frames received so far, in order. */
  readonly frames: RawFrame[]
  /** Resolves with the next frame not yet taken (rejects if the socket closes first). */
  next(): Promise<RawFrame>
  /** Resolves with the code and reason of the server's close frame, as soon as it arrives (code 0 if the socket closes without one). */
  readonly closed: Promise<Closed>
}

export interface RawFrame {
  opcode: number
  data: Buffer
}

/** Opcodes of RFC 6455 §5.2. */
export const OPCODE = Object.freeze({ continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 })

/** A masked client frame. `length` overrides the announced payload length (for lying headers). */
export function clientFrame(
  opcode: number,
  payload: string | Buffer = Buffer.alloc(0),
  options: { fin?: boolean; rsv1?: boolean; length?: bigint } = {},
): Buffer {
  const body = Buffer.from(payload)
  const announced = options.length ?? BigInt(body.length)
  let header: Buffer
  if (announced < 126n) {
    header = Buffer.from([0, Number(announced)])
  } else if (announced < 65536n) {
    header = Buffer.alloc(4)
    header[1] = 126
    header.writeUInt16BE(Number(announced), 2)
  } else {
    header = Buffer.alloc(10)
    header[1] = 127
    header.writeBigUInt64BE(announced, 2)
  }
  header[0] = (options.fin === false ? 0 : 0x80) | (options.rsv1 ? 0x40 : 0) | opcode
  header[1] = header[1]! | 0x80
  const mask = randomBytes(4)
  const masked = Buffer.from(body)
  for (let i = 0; i < masked.length; i++) masked[i] = masked[i]! ^ mask[i % 4]!
  return Buffer.concat([header, mask, masked])
}

function readFrames(buffer: Buffer, out: RawFrame[]): Buffer {
  let at = 0
  for (;;) {
    if (buffer.length - at < 2) break
    let length = buffer[at + 1]! & 0x7f
    let start = at + 2
    if (length === 126) {
      if (buffer.length < start + 2) break
      length = buffer.readUInt16BE(start)
      start += 2
    } else if (length === 127) {
      if (buffer.length < start + 8) break
      length = Number(buffer.readBigUInt64BE(start))
      start += 8
    }
    if (buffer.length < start + length) break
    out.push({ opcode: buffer[at]! & 0x0f, data: buffer.subarray(start, start + length) })
    at = start + length
  }
  return buffer.subarray(at)
}

/**
 * Sends a WebSocket upgrade over a bare TCP socket and resolves once the answer's headers have
 * arrived (any status). `headers` are added to a valid handshake, e.g.
 * `{ 'Sec-WebSocket-Extensions': 'permessage-deflate' }`.
 */
export function rawWebSocket(url: string, headers: Record<string, string> = {}): Promise<RawWebSocket> {
  const { hostname, port, pathname } = new URL(url)
  const socket = netConnect(Number(port), hostname)
  const lines = [
    `GET ${pathname} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ]
  socket.write(`${lines.join('\r\n')}\r\n\r\n`)
  socket.on('error', () => {})
  const frames: RawFrame[] = []
  const waiting: Array<(frame: RawFrame) => void> = []
  let read = 0
  let onClosed!: (closing: Closed) => void
  const closed = new Promise<Closed>((resolve) => (onClosed = resolve))
  socket.once('close', () => onClosed({ code: 0, reason: '' }))
  return new Promise((resolve, reject) => {
    let pending: Buffer = Buffer.alloc(0)
    let head: string | undefined
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      if (head === undefined) {
        const end = pending.indexOf('\r\n\r\n')
        if (end === -1) return
        head = pending.subarray(0, end).toString('latin1')
        pending = pending.subarray(end + 4)
        resolve({ socket, head, frames, next, closed })
      }
      const before = frames.length
      pending = readFrames(pending, frames)
      for (const frame of frames.slice(before)) {
        if (frame.opcode !== OPCODE.close) continue
        onClosed({ code: frame.data.length >= 2 ? frame.data.readUInt16BE(0) : 1005, reason: frame.data.subarray(2).toString() })
      }
      while (waiting.length > 0 && read < frames.length) waiting.shift()!(frames[read++]!)
    })
    socket.once('close', () => reject(new Error('closed before an answer')))
  })

  function next(): Promise<RawFrame> {
    if (read < frames.length) return Promise.resolve(frames[read++]!)
    return new Promise((resolve, reject) => {
      const waiter = (frame: RawFrame): void => resolve(frame)
      waiting.push(waiter)
      void closed.then(() => waiting.includes(waiter) && reject(new Error('closed before a frame arrived')))
    })
  }
}

/**
 * Lets pending I/O callbacks run until `done()` holds (a server-side close lands a few turns of
 * the event loop after the client's); throws after many turns. Waits on no clock.
 */
export async function eventually(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !done(); turn++) await new Promise((resolve) => setImmediate(resolve))
  if (!done()) throw new Error('the condition never held')
}
