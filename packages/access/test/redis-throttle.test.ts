import { expect } from 'chai'
import express from 'express'
import { createServer, type Server } from 'node:http'
import { createClient } from 'redis'
import { hivegate } from '@hivegate/express'
import { createRedisThrottleStore, type RedisThrottleStore } from '@hivegate/access'
import { createAuthenticator, type ThrottleBlockEvent } from '@hivegate/core'
import { close, listen } from '../../../test/helpers/listen.js'
import { startRedis, type RedisServer } from '../../../test/helpers/redis-server.js'
import { secret } from '../../../test/helpers/keys.js'
import { mint, TEST_ISSUER } from '../../../test/helpers/tokens.js'

let prefixes = 0

describe('failure throttle store on Redis', function () {
  this.timeout(20_000)
  let redis: RedisServer
  const stores: RedisThrottleStore[] = []
  const servers: Server[] = []
  const store = (): RedisThrottleStore => {
    const made = createRedisThrottleStore(redis.url, { prefix: `t${++prefixes}:`, maxReconnectDelay: 50 })
    stores.push(made)
    return made
  }

  before(async function () {
    redis = await startRedis(this)
  })
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => close(s)))
    await Promise.all(stores.splice(0).map((s) => s.close()))
  })
  after(async () => {
    await redis?.stop()
  })

  it('counts concurrent failures atomically and gives the counter its window once', async () => {
    const s = store()
    const counts = await Promise.all(Array.from({ length: 50 }, () => s.recordFailure('198.51.100.1', 60_000, 0)))
    expect(counts.map((c) => c.failures).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1))
    for (const c of counts) expect(c.resetIn).to.be.within(1, 60_000)
    expect(await s.blockedFor('198.51.100.1', 50, 0)).to.be.within(1, 60_000)
    expect(await s.blockedFor('198.51.100.1', 51, 0)).to.equal(0)
    expect(await s.blockedFor('203.0.113.1', 1, 0)).to.equal(0)
    const raw = createClient({ url: redis.url })
    await raw.connect()
    try {
      const pttl = await raw.pTTL(`t${prefixes}:198.51.100.1`)
      expect(pttl).to.be.within(1, 60_000)
      expect(await raw.get(`t${prefixes}:198.51.100.1`)).to.equal('50')
      // A key a key function made long is stored hashed, never as given.
      await s.recordFailure('k'.repeat(5000), 60_000, 0)
      const keys = await raw.keys(`t${prefixes}:*`)
      expect(keys).to.have.length(2)
      for (const k of keys) expect(k.length).to.be.below(200)
    } finally {
      await raw.close()
    }
  })

  it('blocks a client across two instances sharing the store, over real HTTP', async () => {
    const key = secret()
    const prefix = `t${++prefixes}:`
    const blocks: ThrottleBlockEvent[] = []
    const urls: string[] = []
    for (let i = 0; i < 2; i++) {
      // Each instance has its own connection to the one shared counter.
      const shared = createRedisThrottleStore(redis.url, { prefix })
      stores.push(shared)
      const app = express().use(hivegate({ issuer: TEST_ISSUER, keys: { secrets: { 'kid-1': key } }, throttle: { store: shared, maxFailures: 4, onBlock: (e) => blocks.push(e) } }))
      app.get('/', (req, res) => void res.json({ sub: req.auth?.subject }))
      const server = createServer(app)
      servers.push(server)
      urls.push(await listen(server))
    }
    const bad = { authorization: `Bearer ${await mint({ key: secret() })}` }
    for (const url of [urls[0], urls[1], urls[0], urls[1]]) expect((await fetch(url!, { headers: bad })).status).to.equal(401)
    const good = { authorization: `Bearer ${await mint({ key })}` }
    for (const url of urls) {
      const res = await fetch(url, { headers: good })
      expect(res.status).to.equal(429)
      expect(Number(res.headers.get('retry-after'))).to.be.within(1, 60)
    }
    // The crossing failure was counted by one instance: one event for the block.
    expect(blocks).to.have.length(1)
    expect(blocks[0]).to.include({ key: '127.0.0.1', failures: 4 })
  })

  it('fails at once while Redis is down, and the throttle fails open, telling onStoreError', async () => {
    const s = store()
    await s.recordFailure('x', 60_000, 0)
    expect(s.connected).to.equal(true)
    const errors: unknown[] = []
    const authenticator = createAuthenticator({ issuer: TEST_ISSUER, keys: { secrets: { 'kid-1': secret() } }, throttle: { store: s, maxFailures: 1, onStoreError: (e) => errors.push(e) } })
    await redis.kill()
    try {
      const code = await authenticator.authenticate({ headers: { authorization: 'Bearer a.b.c' }, remoteAddress: 'x' }).catch((e: { code: string }) => e.code)
      expect(code).to.equal('invalid_token')
      expect(errors.length).to.be.at.least(1)
    } finally {
      await redis.restart()
    }
  })

  it('validates its options', () => {
    expect(() => createRedisThrottleStore('http://x')).to.throw(TypeError, /"url"/)
    expect(() => createRedisThrottleStore(redis.url, { prefix: 'p'.repeat(101) })).to.throw(TypeError, /"prefix"/)
    expect(() => createRedisThrottleStore(redis.url, { connectTimeout: 0 })).to.throw(RangeError, /"connectTimeout"/)
  })
})
