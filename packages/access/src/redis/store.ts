import type { Algorithm } from '@hivegate/core'
import { assertPositiveInteger } from '@hivegate/core/internal'
import { AccessError, invalid } from '../errors.js'
import { MAX_KICKS, type AuditEntry, type ConnectionKick, type SecretStatus, type StoredSecret, type TokenRecord } from '../records.js'
import type { AccessChange, AccessStore } from '../store.js'
import { COMMIT_SCRIPT, KEY_CHECK_SCRIPT } from './scripts.js'

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** Prefix of every key and of the change channel. Default `hivegate:access:`. */
  prefix?: string
  /**
   * Start an empty store on first use. Default false: an empty Redis is refused, because it may
   * have lost its data, and serving it would mean "nothing is revoked". `hivegate access init` sets it.
   */
  create?: boolean
  /** How long a call waits for the first connection, ms. Default 5000. */
  connectTimeout?: number
  /** Longest wait between reconnection attempts, ms. Default 2000. */
  maxReconnectDelay?: number
}

/** What a Redis store reports beside the AccessStore calls. */
export interface RedisAccessStore extends AccessStore {
  /** True while both connections are up. */
  readonly connected: boolean
}

interface Client {
  connect(): Promise<unknown>
  quit?(): Promise<unknown>
  close?(): Promise<unknown>
  destroy?(): void
  on(event: string, listener: (...args: unknown[]) => void): unknown
  isReady: boolean
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  hSet(key: string, field: string, value: string): Promise<unknown>
  hGetAll(key: string): Promise<Record<string, string>>
  zRangeByScore(key: string, min: string, max: string): Promise<string[]>
  sendCommand(args: string[]): Promise<unknown>
  multi(): { hGetAll(key: string): unknown; zRange(key: string, start: number, stop: number): unknown; exec(): Promise<unknown[]> }
  duplicate(): Client
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>
}

const DEFAULTS = Object.freeze({ prefix: 'hivegate:access:', maxReconnectDelay: 2000, connectTimeout: 5000 })

/** The URL without credentials, for messages. */
function shown(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    return parsed.toString()
  } catch {
    return 'redis'
  }
}

function fault(where: string, err: unknown): AccessError {
  if (err instanceof AccessError) return err
  const name = err instanceof Error ? err.name : 'error'
  return new AccessError('store_unavailable', `the access store ${where} is unavailable (${name})`)
}

function emptyStore(where: string): AccessError {
  return new AccessError(
    'store_empty',
    `the access store ${where} holds no hivegate state: it lost its data or was never set up (run "hivegate access init"); refusing to serve it as "nothing revoked"`,
  )
}

const parse = <T>(text: string): T => JSON.parse(text) as T

/**
 * A store shared by every gateway instance through Redis (node-redis): one command connection and
 * one subscriber. Each commit is one Lua script (checks, writes, audit line, version bump and a
 * publish, atomically); a reconnect makes every watcher read the whole state again.
 *
 * @example
 * ```ts
 * const store = createRedisStore('redis://127.0.0.1:6379/0')
 * ```
 */
export function createRedisStore(url: string, options: RedisStoreOptions = {}): RedisAccessStore {
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) throw new TypeError('"store" must be a redis:// or rediss:// URL')
  const prefix = options.prefix ?? DEFAULTS.prefix
  if (typeof prefix !== 'string' || prefix.length > 100) throw new TypeError('"prefix" must be a string of at most 100 characters')
  const { connectTimeout = DEFAULTS.connectTimeout, maxReconnectDelay: maxDelay = DEFAULTS.maxReconnectDelay } = options
  assertPositiveInteger('connectTimeout', connectTimeout)
  assertPositiveInteger('maxReconnectDelay', maxDelay)
  const where = shown(url)
  const key = {
    meta: `${prefix}meta`, secrets: `${prefix}secrets`, status: `${prefix}status`, tokens: `${prefix}tokens`,
    revoked: `${prefix}revoked`, names: `${prefix}names`, audit: `${prefix}audit`, used: `${prefix}used`, kicks: `${prefix}kicks`,
    channel: `${prefix}changes`,
  }
  const commitKeys = [key.meta, key.secrets, key.status, key.tokens, key.revoked, key.names, key.audit, key.kicks]
  const listeners = new Set<() => void>()
  const notify = (): void => {
    for (const listener of [...listeners]) listener()
  }
  let closed = false
  let opened: { command: Client; subscriber: Client } | undefined

  const closedError = (): AccessError => new AccessError('store_unavailable', `the access store ${where} is closed`)

  let made: { command: Client; subscriber: Client } | undefined
  const clients: Promise<{ command: Client; subscriber: Client }> = (async () => {
    let redis: { createClient(options: unknown): Client }
    try {
      redis = (await import('redis')) as unknown as typeof redis
    } catch {
      throw new AccessError('store_unavailable', 'a redis:// store needs the "redis" package: npm install redis')
    }
    if (closed) throw closedError()
    const command = redis.createClient({
      url,
      disableOfflineQueue: true, // a write while Redis is down fails now (503) instead of waiting
      socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, maxDelay) },
    })
    const subscriber = command.duplicate()
    made = { command, subscriber }
    for (const client of [command, subscriber]) {
      client.on('error', () => {}) // reconnects on its own; a fault shows as a failed call and in `connected`
    }
    let first = true
    // After a reconnect a published change may have been missed: read everything again.
    subscriber.on('ready', () => {
      if (!first) notify()
      first = false
    })
    await Promise.all([command.connect(), subscriber.connect()])
    await subscriber.subscribe(key.channel, () => notify())
    opened = made
    return opened
  })()
  clients.catch(() => {})

  // Before the first connection a call waits for it, at most connectTimeout; after it, never.
  async function command(): Promise<Client> {
    if (closed) throw closedError()
    if (opened !== undefined) return opened.command
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AccessError('store_unavailable', `the access store ${where} is unreachable`)), connectTimeout)
      timer.unref()
    })
    try {
      return (await Promise.race([clients, timeout])).command
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    description: where,
    get connected() {
      return !closed && opened !== undefined && opened.command.isReady && opened.subscriber.isReady
    },
    async checkOperatorKey(check) {
      let answer: unknown
      try {
        answer = await (await command()).eval(KEY_CHECK_SCRIPT, { keys: [key.meta], arguments: [check, options.create === true ? '1' : '0'] })
      } catch (err) {
        throw fault(where, err)
      }
      if (answer === 'empty') throw emptyStore(where)
      if (answer === 'mismatch') throw new AccessError('operator_key_mismatch', `the operator key does not match the one ${where} was set up with`)
    },
    async load() {
      let replies: unknown[]
      try {
        const multi = (await command()).multi()
        for (const name of [key.meta, key.secrets, key.status, key.tokens, key.revoked, key.used]) multi.hGetAll(name)
        multi.zRange(key.kicks, 0, -1)
        replies = await multi.exec()
      } catch (err) {
        throw fault(where, err)
      }
      const [meta, secrets, status, tokens, revoked, used] = replies as Array<Record<string, string>>
      const kicks = (replies[6] as string[]).map((line) => Object.freeze(parse<ConnectionKick>(line)))
      if (meta!.version === undefined) throw emptyStore(where)
      const secretList: StoredSecret[] = Object.entries(secrets!).map(([kid, text]) => {
        const record = parse<{ alg: Algorithm; createdAt: number; sealed: string }>(text)
        const state = parse<{ status: SecretStatus; at: number }>(status![kid] ?? '{"status":"retired","at":0}')
        return Object.freeze({ kid, alg: record.alg, createdAt: record.createdAt, sealed: record.sealed, status: state.status, statusAt: state.at })
      })
      const tokenList: TokenRecord[] = Object.entries(tokens!).map(([id, text]) => {
        const record = parse<TokenRecord>(text)
        const revocation = revoked![id] === undefined ? undefined : parse<{ at: number; by: string }>(revoked![id]!)
        const lastUsed = used![id] === undefined ? undefined : Number(used![id])
        return Object.freeze({ ...record, revokedAt: revocation?.at, revokedBy: revocation?.by, lastUsedAt: lastUsed })
      })
      const byCreation = <T extends { createdAt: number }>(a: T, b: T): number => a.createdAt - b.createdAt
      return { version: Number(meta!.version), secrets: secretList.sort(byCreation), tokens: tokenList.sort(byCreation), kicks }
    },
    async commit(changes, audit) {
      const encoded = changes.map(encodeChange)
      let reply: unknown
      try {
        reply = await (await command()).eval(COMMIT_SCRIPT, {
          keys: commitKeys,
          arguments: [JSON.stringify(encoded), JSON.stringify(audit.map((line) => JSON.stringify(line))), key.channel, String(MAX_KICKS)],
        })
      } catch (err) {
        throw fault(where, err)
      }
      const [outcome, field, problem] = reply as string[]
      if (outcome === 'empty') throw emptyStore(where)
      if (outcome === 'invalid') throw invalid(field!, problem!)
      return Number(field)
    },
    async touch(used) {
      if (used.size === 0) return
      try {
        const args = ['HSET', key.used]
        for (const [id, at] of used) args.push(id, String(at))
        await (await command()).sendCommand(args)
      } catch (err) {
        throw fault(where, err)
      }
    },
    async readAudit({ limit, before }) {
      try {
        const max = before === undefined ? '+inf' : `(${before}`
        const lines = (await (await command()).sendCommand(['ZRANGE', key.audit, max, '-inf', 'BYSCORE', 'REV', 'LIMIT', '0', String(limit)])) as string[]
        return lines.map((line) => Object.freeze(parse<AuditEntry>(line)))
      } catch (err) {
        throw fault(where, err)
      }
    },
    watch(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      if (closed) return
      closed = true
      listeners.clear()
      if (made === undefined) return
      for (const client of [made.subscriber, made.command]) {
        try {
          if (client.isReady) await (client.close ?? client.quit)!.call(client)
          else client.destroy?.()
        } catch {
          client.destroy?.()
        }
      }
    },
  }
}

// What the script needs of each change, with the records as JSON text it stores unchanged.
function encodeChange(change: AccessChange): Record<string, unknown> {
  switch (change.type) {
    case 'secret.create': {
      const { kid, alg, createdAt, sealed, status, statusAt } = change.secret
      return { type: change.type, kid, record: JSON.stringify({ alg, createdAt, sealed }), status: JSON.stringify({ status, at: statusAt }) }
    }
    case 'secret.status':
      return { type: change.type, kid: change.kid, from: change.from, status: JSON.stringify({ status: change.to, at: change.at }) }
    case 'token.create': {
      const { revokedAt: _r, revokedBy: _b, lastUsedAt: _u, ...record } = change.token
      return { type: change.type, id: record.id, kid: record.kid, name: record.name, record: JSON.stringify(record) }
    }
    case 'token.revoke':
      return { type: change.type, id: change.id, revocation: JSON.stringify({ at: change.at, by: change.by }) }
    case 'connections.close':
      return { type: change.type, kick: JSON.stringify({ at: change.at, by: change.by, ...change.selector }) }
  }
}
