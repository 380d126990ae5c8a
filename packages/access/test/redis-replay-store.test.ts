import { expect } from 'chai'
import { createClient } from 'redis'
import { AuthError, createAuthenticator, type RequestView } from '@hivegate/core'
import { createRedisReplayStore, type RedisReplayStore } from '@hivegate/access'
import { dpopKey, proof } from '../../../test/helpers/dpop.js'
import { secret } from '../../../test/helpers/keys.js'
import { rejects } from '../../../test/helpers/listen.js'
import { startRedis, type RedisServer } from '../../../test/helpers/redis-server.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/helpers/tokens.js'

describe('DPoP replay store on Redis', function () {
  this.timeout(20_000)
  let redis: RedisServer
  const open: RedisReplayStore[] = []
  const store = (prefix = `t${open.length}:`): RedisReplayStore => {
    const made = createRedisReplayStore(redis.url, { prefix, maxReconnectDelay: 50, connectTimeout: 2000 })
    open.push(made)
    return made
  }

  before(async function () {
    redis = await startRedis(this)
  })
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()))
  })
  after(async () => {
    await redis?.stop()
  })

  it('tells a first use from a replay, and sets the expiry with the key', async () => {
    const replays = store('ttl:')
    expect(await replays.add('jkt.jti-1', 61_000)).to.equal(true)
    expect(await replays.add('jkt.jti-1', 61_000)).to.equal(false)
    expect(await replays.add('jkt.jti-2', 61_000)).to.equal(true)
    const client = createClient({ url: redis.url })
    await client.connect()
    try {
      const ttl = Number(await client.sendCommand(['PTTL', 'ttl:jkt.jti-1']))
      expect(ttl).to.be.greaterThan(0).and.at.most(61_000)
    } finally {
      await client.close()
    }
  })

  it('is atomic across processes: of many concurrent uses of one proof, exactly one is first', async () => {
    const a = store('race:')
    const b = store('race:')
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).add('same', 60_000)))
    expect(answers.filter((x) => x)).to.have.length(1)
  })

  it('shares spent proofs between authenticators: a proof accepted by one is refused by the other', async () => {
    const SECRET = secret()
    const key = await dpopKey('ES256')
    const token = await mint({ key: SECRET, claims: { cnf: { jkt: key.jkt } } })
    const replayStore = store('shared:')
    const make = () => createAuthenticator({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': SECRET } }, dpop: { mode: 'required', replayStore } })
    const dpop = await proof(key, { htm: 'GET', htu: 'http://api.example/x', token })
    const view = (): RequestView => ({ headers: { host: 'api.example', authorization: `DPoP ${token}`, dpop }, method: 'GET', url: '/x', protocol: 'http' })
    expect((await make().authenticate(view()))?.source).to.equal('dpop')
    const err = await rejects(make().authenticate(view()))
    expect((err as AuthError).code).to.equal('invalid_dpop_proof')
  })

  it('fails closed while Redis is down', async () => {
    const replays = store('down:')
    expect(await replays.add('k', 1000)).to.equal(true)
    await redis.kill()
    try {
      await rejects(replays.add('k2', 1000))
    } finally {
      await redis.restart()
    }
  })

  it('validates its options', () => {
    expect(() => createRedisReplayStore('redis://x', { connectTimeout: 0 })).to.throw(RangeError, /"connectTimeout"/)
    expect(() => createRedisReplayStore('redis://x', { prefix: '' })).to.throw(/"prefix"/)
  })
})
