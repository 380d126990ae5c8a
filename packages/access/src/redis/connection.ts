// One lazily opened node-redis connection for a single-purpose store (DPoP replay, throttle counters).

/** What such a store needs of a node-redis client. */
export interface RedisClient {
  connect(): Promise<unknown>
  close?(): Promise<unknown>
  quit?(): Promise<unknown>
  destroy?(): void
  on(event: string, listener: (...args: unknown[]) => void): unknown
  isReady: boolean
  sendCommand(args: string[]): Promise<unknown>
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
}

export interface RedisConnection {
  /** The open client; waits at most `connectTimeout` for the first connection. */
  client(): Promise<RedisClient>
  readonly connected: boolean
  close(): Promise<void>
}

/**
 * Connects at once and reconnects with capped back-off; with the offline queue off, a call while
 * Redis is down fails now, so the store's caller decides (fail closed or open) instead of waiting.
 */
export function openRedisConnection(url: string, what: string, connectTimeout: number, maxReconnectDelay: number): RedisConnection {
  let closed = false
  let opened: RedisClient | undefined
  let made: RedisClient | undefined

  const connecting: Promise<RedisClient> = (async () => {
    let redis: { createClient(options: unknown): RedisClient }
    try {
      redis = (await import('redis')) as unknown as typeof redis
    } catch {
      throw new Error(`a Redis ${what} needs the "redis" package: npm install redis`)
    }
    if (closed) throw new Error(`the ${what} is closed`)
    made = redis.createClient({
      url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, maxReconnectDelay) },
    })
    made.on('error', () => {}) // reconnects on its own; a fault shows as a failed call and in `connected`
    await made.connect()
    opened = made
    return made
  })()
  connecting.catch(() => {})

  return {
    async client() {
      if (closed) throw new Error(`the ${what} is closed`)
      if (opened !== undefined) return opened
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the ${what} is unreachable`)), connectTimeout)
        timer.unref()
      })
      try {
        return await Promise.race([connecting, timeout])
      } finally {
        clearTimeout(timer)
      }
    },
    get connected() {
      return !closed && opened !== undefined && opened.isReady
    },
    async close() {
      if (closed) return
      closed = true
      const current = made
      if (current === undefined) return
      try {
        if (current.isReady) await (current.close?.() ?? current.quit?.())
        else current.destroy?.()
      } catch {
        current.destroy?.()
      }
    },
  }
}
