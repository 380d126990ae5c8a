// A stand-in for the public Hivekit JavaScript client (hivekit/client-js), which is not on npm
// here. It keeps that client's wire behaviour, and only that:
// - connect(url) resolves on 'open'; a cookie sent with the handshake may authenticate at once,
//   and the client still waits for the server's success reply before it counts as authenticated;
// - authenticate(token) sends the text `Bearer <token>` (at once, or on 'open');
// - every incoming frame must be a JSON array (anything else is an 'error'); each entry is
//   dispatched in order: with `cid` → the answer to a request of its own (unknown ids are an
//   error), `res: "err"` without `cid` → the 'error' event (so a failed authentication never
//   rejects the authenticate() promise: it stays pending, the socket stays open, the app may
//   retry), `typ: "sys", act: "aut", res: "suc"` → status 'authenticated' (`dat` is optional),
//   another `sys` action or an unknown `typ` → 'error', `rea`/`sub` entries → 'message';
// - outgoing messages are queued until authenticated, then sent as one JSON array; once
//   authenticated, messages sent in the same tick go out together (outgoingMessageBufferTime 0);
// - heartbeats `[{"typ":"sys","act":"hbt","cid":"heartbeat-…"}]` while authenticated;
// - an unintended close emits 'error' and calls connect() again at once, from the close handler,
//   with the same handshake (its cookie); the auth message is not sent again. (The client's
//   reconnectInterval timer only starts if connect() rejects, which it never does, so a server
//   that closes after a failed auth is reconnected to in a tight loop, not every second.)
import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import { WebSocket, type RawData } from 'ws'

export type HivekitStatus = 'disconnected' | 'connecting' | 'connected' | 'authenticated' | 'disconnecting'

export interface HivekitStandInOptions {
  /** Handshake headers, e.g. a `Cookie` a browser would send. */
  headers?: Record<string, string>
  /** ms between heartbeats once authenticated; 0 switches them off. Default 5000 (the client's default). */
  heartbeatInterval?: number
}

interface Deferred {
  promise: Promise<void>
  resolve: () => void
}

function deferred(): Deferred {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

/**
 * Events: 'connectionStatusChanged' (status), 'error' (reason: string), 'message' (an entry the
 * system handler does not take), 'open' (after each successful (re)connect).
 */
export class HivekitStandIn extends EventEmitter {
  connectionStatus: HivekitStatus = 'disconnected'
  /** The `dat` of the last success reply. */
  authData: Record<string, unknown> | undefined
  connects = 0
  #ws: WebSocket | undefined
  #url = ''
  #pending: unknown[] | null = null
  #onConnect: Deferred | undefined
  #onAuthenticate: Deferred | undefined
  #onDisconnect: Deferred | undefined
  #flushTimer: NodeJS.Timeout | undefined
  readonly #heartbeat: NodeJS.Timeout | undefined
  readonly #options: Required<HivekitStandInOptions>

  constructor(options: HivekitStandInOptions = {}) {
    super()
    this.#options = { headers: {}, heartbeatInterval: 5000, ...options }
    if (this.#options.heartbeatInterval > 0) {
      this.#heartbeat = setInterval(() => this.#sendHeartbeat(), this.#options.heartbeatInterval)
      this.#heartbeat.unref()
    }
    // Like the real client's logging of errors: never an unhandled 'error' event.
    this.on('error', () => {})
  }

  connect(url: string): Promise<void> {
    this.#url = url
    this.connects++
    this.#setStatus('connecting')
    const ws = new WebSocket(url, { headers: this.#options.headers })
    this.#ws = ws
    ws.on('open', () => {
      this.#setStatus('connected')
      this.#onConnect?.resolve()
      this.emit('open')
    })
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(isBinary ? '' : data.toString()))
    ws.on('close', () => this.#onClose(ws))
    ws.on('error', (err) => this.emit('error', err.message))
    this.#onConnect = deferred()
    return this.#onConnect.promise
  }

  authenticate(token: string): Promise<void> {
    const ws = this.#ws!
    if (ws.readyState === WebSocket.OPEN) ws.send(`Bearer ${token}`)
    else ws.once('open', () => ws.send(`Bearer ${token}`))
    this.#onAuthenticate = deferred()
    return this.#onAuthenticate.promise
  }

  /** Queues an application message; sent once authenticated, batched in one array. */
  send(message: Record<string, unknown>): void {
    if (this.#pending === null) {
      this.#pending = [message]
      if (this.connectionStatus === 'authenticated') this.#flushTimer = setTimeout(() => this.#flush(), 0)
    } else {
      this.#pending.push(message)
    }
  }

  disconnect(): Promise<void> {
    this.#setStatus('disconnecting')
    clearInterval(this.#heartbeat)
    clearTimeout(this.#flushTimer)
    this.#onDisconnect = deferred()
    if (this.#ws === undefined || this.#ws.readyState === WebSocket.CLOSED) {
      this.#setStatus('disconnected')
      this.#onDisconnect.resolve()
    } else {
      this.#ws.close()
    }
    return this.#onDisconnect.promise
  }

  #onClose(ws: WebSocket): void {
    if (ws !== this.#ws) return
    if (this.connectionStatus === 'disconnecting') {
      this.#setStatus('disconnected')
      this.#onDisconnect?.resolve()
      return
    }
    this.emit('error', 'Disconnected, attempting to reconnect')
    void this.connect(this.#url)
  }

  #onMessage(text: string): void {
    let messages: unknown
    try {
      messages = JSON.parse(text)
    } catch {
      this.emit('error', 'Failed to parse message')
      return
    }
    if (!Array.isArray(messages)) {
      this.emit('error', 'message was not in expected form')
      return
    }
    for (const msg of messages as Array<Record<string, unknown>>) this.#dispatch(msg)
  }

  #dispatch(msg: Record<string, unknown>): void {
    if (msg.cid) {
      if (typeof msg.cid === 'string' && msg.cid.startsWith('heartbeat-')) return
      this.emit('error', 'Received response for unknown request')
    } else if (msg.res === 'err') {
      this.emit('error', String(msg.err || msg.dat))
    } else if (msg.typ === 'sys') {
      if (msg.act !== 'aut') {
        this.emit('error', `Unknown action for type sys: ${String(msg.act)}`)
      } else if (msg.res === 'suc') {
        this.authData = msg.dat as Record<string, unknown> | undefined
        this.#setStatus('authenticated')
        this.#onAuthenticate?.resolve()
      }
    } else if (msg.typ === 'rea' || msg.typ === 'sub') {
      this.emit('message', msg)
    } else {
      this.emit('error', 'Received message for unknown type')
    }
  }

  #setStatus(status: HivekitStatus): void {
    this.connectionStatus = status
    this.emit('connectionStatusChanged', status)
    if (status === 'authenticated') this.#flush()
  }

  #flush(): void {
    clearTimeout(this.#flushTimer)
    if (this.#pending === null || this.#pending.length === 0) return
    this.#ws?.send(JSON.stringify(this.#pending))
    this.#pending = null
  }

  #sendHeartbeat(): void {
    if (this.connectionStatus !== 'authenticated') return
    this.#ws?.send(JSON.stringify([{ typ: 'sys', act: 'hbt', cid: `heartbeat-${randomUUID()}` }]))
  }
}
