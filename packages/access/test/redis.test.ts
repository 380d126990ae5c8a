import { expect } from 'chai'
import { createManualClock, type ManualClock } from '@hivegate/core'
import { createAccessRegistry, createRedisStore, AccessError, type AccessEvent, type AccessRegistry, type RedisAccessStore } from '@hivegate/access'
import { startRedis, type RedisServer } from '../../../test/helpers/redis-server.js'
import { startTcpCut, type TcpCut } from '../../../test/helpers/tcp-cut.js'
import { OPERATOR_KEY, ISSUER } from './fixture.js'

interface Instance {
  registry: AccessRegistry
  store: RedisAccessStore
  events: AccessEvent[]
  /** Resolves with the next event of `type`. */
  next(type: AccessEvent['type']): Promise<AccessEvent>
  close(): Promise<void>
}

let prefixes = 0

async function instance(url: string, prefix: string, options: { create?: boolean; clock?: ManualClock; refreshTimeout?: number } = {}): Promise<Instance> {
  const store = createRedisStore(url, { prefix, create: options.create ?? false, maxReconnectDelay: 50 })
  const events: AccessEvent[] = []
  const waiting: Array<[string, (e: AccessEvent) => void]> = []
  const registry = await createAccessRegistry({
    store, operatorKey: OPERATOR_KEY, issuer: ISSUER,
    ...(options.clock !== undefined && { clock: options.clock }),
    ...(options.refreshTimeout !== undefined && { refreshTimeout: options.refreshTimeout }),
    onEvent: (event) => {
      events.push(event)
      for (const entry of [...waiting]) if (entry[0] === event.type) waiting.splice(waiting.indexOf(entry), 1), entry[1](event)
    },
  }).catch(async (err: unknown) => {
    await store.close()
    throw err
  })
  return {
    registry, store, events,
    next: (type) => new Promise((resolve) => waiting.push([type, resolve])),
    async close() {
      await registry.close()
      await store.close()
    },
  }
}

describe('access store on Redis', function () {
  this.timeout(20_000)
  let redis: RedisServer
  const open: Instance[] = []
  const start = async (url: string, prefix: string, options?: Parameters<typeof instance>[2]): Promise<Instance> => {
    const made = await instance(url, prefix, options)
    open.push(made)
    return made
  }

  before(async function () {
    redis = await startRedis(this)
  })
  afterEach(async () => {
    await Promise.all(open.splice(0).map((i) => i.close()))
  })
  after(async () => {
    await redis?.stop()
  })

  it('shares every change: a revocation on one instance refuses the token on another at once', async () => {
    const prefix = `t${prefixes++}:`
    const a = await start(redis.url, prefix, { create: true })
    const b = await start(redis.url, prefix)
    await a.registry.createSecret({ kid: 'shared' }, 'test')
    const { record } = await a.registry.createToken({ name: 'api', sub: 'svc' }, 'test')
    await b.registry.refresh()
    expect(b.registry.listSecrets().map((s) => s.kid)).to.deep.equal(['shared'])
    expect(b.registry.isRevoked({ jti: record.id })).to.equal(false)
    const kicked = new Promise((resolve) => b.registry.revocations.onRevoke(resolve))
    await a.registry.revokeToken(record.id, 'alice')
    expect(await kicked).to.equal(record.id)
    expect(b.registry.isRevoked({ jti: record.id })).to.equal(true)
    expect((await b.registry.getToken(record.id)).revokedBy).to.equal('alice')
    expect((await b.registry.readAudit()).map((x) => x.action)).to.deep.equal(['token.revoke', 'token.create', 'secret.create'])
  })

  it('asks every instance to close the connections of a subject, a tenant or a jti', async () => {
    const prefix = `t${prefixes++}:`
    const a = await start(redis.url, prefix, { create: true })
    const b = await start(redis.url, prefix)
    const seenByA: unknown[] = []
    a.registry.onCloseConnections((selector) => seenByA.push(selector))
    const seenByB = new Promise((resolve) => b.registry.onCloseConnections(resolve))
    await a.registry.closeConnections({ sub: 'mallory', tnd: 'acme' }, 'alice')
    expect(await seenByB).to.deep.equal({ sub: 'mallory', tnd: 'acme' })
    expect(seenByA).to.deep.equal([{ sub: 'mallory', tnd: 'acme' }])
    expect((await b.registry.readAudit({ limit: 1 }))[0]).to.include({ action: 'connections.close', actor: 'alice', target: 'sub=mallory tnd=acme' })
    const late = await start(redis.url, prefix)
    const replayed: unknown[] = []
    late.registry.onCloseConnections((selector) => replayed.push(selector))
    await late.registry.refresh()
    expect(replayed, 'a kick made before an instance started is history').to.deep.equal([])
  })

  it('checks preconditions atomically: bad input is a 400 naming the field, nothing written', async () => {
    const a = await start(redis.url, `t${prefixes++}:`, { create: true })
    await a.registry.createSecret({ kid: 'k1' }, 'test')
    await a.registry.createToken({ name: 'taken' }, 'test')
    const version = a.registry.version
    for (const [attempt, field] of [
      [() => a.registry.createToken({ name: 'taken' }, 'test'), 'name'],
      [() => a.registry.createSecret({ kid: 'k1' }, 'test'), 'kid'],
      [() => a.registry.retireSecret('nope', 'test'), 'kid'],
    ] as const) {
      const err = await attempt().catch((e: unknown) => e)
      expect(err).to.be.instanceOf(AccessError)
      expect([(err as AccessError).status, (err as AccessError).field]).to.deep.equal([400, field])
    }
    await a.registry.refresh()
    expect(a.registry.version).to.equal(version)
  })

  it('refuses an empty Redis instead of serving it as "nothing revoked"', async () => {
    const err = await instance(redis.url, `t${prefixes++}:`).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(AccessError)
    expect((err as AccessError).code).to.equal('store_empty')
    expect((err as AccessError).message).to.match(/lost its data or was never set up/)
  })

  it('keeps serving the last state through an outage, refuses writes with 503, and resyncs a cut-off instance', async () => {
    const prefix = `t${prefixes++}:`
    const relay: TcpCut = await startTcpCut(redis.port)
    try {
      const a = await start(redis.url, prefix, { create: true })
      const b = await start(`redis://127.0.0.1:${relay.port}/0`, prefix)
      await a.registry.createSecret({}, 'test')
      const first = await a.registry.createToken({ name: 'first' }, 'test')
      const second = await a.registry.createToken({ name: 'second' }, 'test')
      await b.registry.refresh()
      expect(b.registry.health()).to.include({ ok: true, storeConnected: true })

      relay.cut()
      const failed = await b.registry.revokeToken(first.record.id, 'b').catch((e: unknown) => e)
      expect((failed as AccessError).status).to.equal(503)
      expect(b.registry.health().storeConnected).to.equal(false)
      await a.registry.revokeToken(second.record.id, 'a') // while b is cut off
      expect(b.registry.isRevoked({ jti: second.record.id })).to.equal(false)
      expect(b.registry.isRevoked({ jti: first.record.id })).to.equal(false)

      const resynced = b.next('access_refreshed')
      relay.restore()
      await resynced
      while (b.registry.version < a.registry.version) await b.next('access_refreshed')
      expect(b.registry.isRevoked({ jti: second.record.id })).to.equal(true)
      expect(b.registry.isRevoked({ jti: first.record.id })).to.equal(false)
      expect((await a.registry.getToken(first.record.id)).revokedAt).to.equal(undefined)
    } finally {
      await relay.close()
    }
  })

  it('bounds a refresh against a hung Redis: it settles after refreshTimeout, revoked tokens stay refused, the next refresh retries', async () => {
    const prefix = `t${prefixes++}:`
    const clock = createManualClock(Date.parse('2030-01-01'))
    const a = await start(redis.url, prefix, { create: true, clock, refreshTimeout: 2000 })
    await a.registry.createSecret({}, 'test')
    const kept = await a.registry.createToken({ name: 'kept' }, 'test')
    const gone = await a.registry.createToken({ name: 'gone' }, 'test')
    await a.registry.revokeToken(gone.record.id, 'test')
    const servedVersion = a.registry.version
    redis.pause()
    try {
      let settled = false
      const failed = a.next('access_refresh_failed')
      const refreshing = a.registry.refresh().then(() => (settled = true))
      const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
      await flush()
      expect(settled, 'waits while within refreshTimeout').to.equal(false)
      // At most two reads: one a change notification may have started, then the caller's own.
      for (let i = 0; i < 2 && !settled; i++) {
        clock.advance(2000)
        await flush()
      }
      expect(settled, 'settled within two refreshTimeouts on the clock').to.equal(true)
      await refreshing
      expect((await failed as { reason: string }).reason).to.match(/did not answer within 2000 ms/)
      expect(a.registry.health()).to.include({ ok: false, loaded: true, version: servedVersion })
      expect(a.registry.health().lastError).to.match(/did not answer within 2000 ms/)
      expect(a.registry.isRevoked({ jti: gone.record.id }), 'a storage fault never means "nothing is revoked"').to.equal(true)
      expect(a.registry.revocations.has(gone.record.id)).to.equal(true)
      expect(a.registry.isRevoked({ jti: kept.record.id })).to.equal(false)
    } finally {
      redis.resume()
    }
    await a.registry.refresh()
    expect(a.registry.health()).to.include({ ok: true, version: servedVersion })
    expect(a.registry.isRevoked({ jti: gone.record.id })).to.equal(true)
  })

  it('detects a Redis restart that lost the data and keeps every revocation it knew', async () => {
    const a = await start(redis.url, `t${prefixes++}:`, { create: true })
    await a.registry.createSecret({}, 'test')
    const { record } = await a.registry.createToken({ name: 'x' }, 'test')
    await a.registry.revokeToken(record.id, 'test')
    await redis.restart()
    void a.registry.refresh()
    // The first reads may fail while the connection comes back; then the empty store is reported.
    let event = (await a.next('access_refresh_failed')) as { reason: string }
    while (!/lost its data/.test(event.reason)) event = (await a.next('access_refresh_failed')) as { reason: string }
    expect(a.registry.isRevoked({ jti: record.id })).to.equal(true)
    expect(a.registry.health().ok).to.equal(false)
    const write = await a.registry.createToken({ name: 'y' }, 'test').catch((e: unknown) => e)
    expect((write as AccessError).status).to.equal(503)
  })

  it('starts fail-closed at once when Redis is unreachable, and reports it', async () => {
    const store = createRedisStore('redis://127.0.0.1:1/0', { connectTimeout: 50, maxReconnectDelay: 50 })
    const registry = await createAccessRegistry({ store, operatorKey: OPERATOR_KEY, issuer: ISSUER, startup: 'fail-closed' })
    try {
      expect(registry.health()).to.include({ ok: false, loaded: false })
      expect(registry.keys.lookup({ alg: 'HS256', kid: 'any' }, {})).to.equal(undefined)
    } finally {
      await registry.close()
      await store.close()
    }
  })

  it('validates its options, naming the option, and never shows the password', () => {
    expect(() => createRedisStore('http://x')).to.throw(TypeError, /"store"/)
    expect(() => createRedisStore('redis://x', { maxReconnectDelay: 0 })).to.throw(RangeError, /"maxReconnectDelay"/)
    const store = createRedisStore('redis://user:hunter2@127.0.0.1:1/0')
    expect(store.description).to.not.contain('hunter2')
    return store.close()
  })
})
