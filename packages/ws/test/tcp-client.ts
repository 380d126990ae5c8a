// A raw TCP client for tests: lines queue up from the first byte; `closed` resolves when the server ends.
import net from 'node:net'

export class LineClient {
  readonly socket: net.Socket
  readonly closed: Promise<void>
  readonly #queue: string[] = []
  readonly #waiting: Array<(line: string) => void> = []
  #rest = ''

  constructor(socket: net.Socket) {
    this.socket = socket
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      const parts = (this.#rest + chunk).split('\n')
      this.#rest = parts.pop()!
      for (const line of parts) {
        const waiter = this.#waiting.shift()
        if (waiter) waiter(line)
        else this.#queue.push(line)
      }
    })
    socket.on('error', () => {})
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
  }

  next(): Promise<string> {
    const queued = this.#queue.shift()
    if (queued !== undefined) return Promise.resolve(queued)
    return new Promise((resolve, reject) => {
      this.#waiting.push(resolve)
      void this.closed.then(() => reject(new Error('closed before a line arrived')))
    })
  }

  /** Writes raw bytes, exactly as given (no newline added). */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (err) => (err ? reject(err) : resolve())))
  }

  end(): Promise<void> {
    this.socket.end()
    return this.closed
  }
}

export function connectTcp(port: number): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(new LineClient(socket)))
    socket.once('error', reject)
  })
}
