// Real `ws` clients for tests: every message is buffered from the first byte, so none is missed
// between 'open' and the test's next await.
import type { IncomingHttpHeaders } from 'node:http'
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
