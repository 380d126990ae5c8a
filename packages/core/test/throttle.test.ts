import { expect } from 'chai'
import {
  clientAddress, createAuthenticator, createManualClock, MemoryThrottleStore, type FailureCount, type RequestView, type ThrottleStore,
} from '@hivegate/core'
import { secret } from '../../../test/helpers/keys.js'
import { mint, TEST_ISSUER } from '../../../test/helpers/tokens.js'

const NOW = Date.parse('2030-01-01T00:00:00Z')

function view(headers: Record<string, string> = {}, remoteAddress = '192.0.2.1'): RequestView {
  return { headers, remoteAddress, method: 'GET', url: '/' }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    return (err as { code: string }).code
  }
  return 'accepted'
}

describe('failure throttle', () => {
  describe('MemoryThrottleStore', () => {
    it('holds at most maxKeys keys, dropping the least recently failed', () => {
      const store = new MemoryThrottleStore(3)
      for (const key of ['a', 'b', 'c']) store.recordFailure(key, 60_000, NOW)
      store.recordFailure('a', 60_000, NOW) // a is now the most recent
      for (let i = 0; i < 1000; i++) store.recordFailure(`flood-${i}`, 60_000, NOW)
      expect(store.size).to.equal(3)
      const small = new MemoryThrottleStore(2)
      small.recordFailure('a', 60_000, NOW)
      small.recordFailure('b', 60_000, NOW)
      small.recordFailure('a', 60_000, NOW)
      small.recordFailure('c', 60_000, NOW)
      expect(small.blockedFor('a', 2, NOW)).to.equal(60_000)
      expect(small.recordFailure('b', 60_000, NOW).failures).to.equal(1) // b was dropped, counts afresh
    })

    it('counts in a fixed window from the first failure and forgets it after', () => {
      const store = new MemoryThrottleStore(10)
      expect(store.recordFailure('k', 60_000, NOW)).to.deep.equal({ failures: 1, resetIn: 60_000 })
      expect(store.recordFailure('k', 60_000, NOW + 10_000)).to.deep.equal({ failures: 2, resetIn: 50_000 })
      expect(store.blockedFor('k', 2, NOW + 10_000)).to.equal(50_000)
      expect(store.blockedFor('k', 3, NOW + 10_000)).to.equal(0)
      expect(store.blockedFor('k', 2, NOW + 60_000)).to.equal(0)
      expect(store.size).to.equal(0)
      expect(() => new MemoryThrottleStore(0)).to.throw(RangeError, /"throttle.maxKeys"/)
    })
  })

  describe('clientAddress', () => {
    const forwarded = view({ 'x-forwarded-for': '198.51.100.1, 203.0.113.9 , 10.0.0.5' }, '10.0.0.2')
    it('reads X-Forwarded-For from the right as far as the trusted hop count, as Express does', () => {
      expect(clientAddress(forwarded, 0)).to.equal('10.0.0.2')
      expect(clientAddress(forwarded, 1)).to.equal('10.0.0.5')
      expect(clientAddress(forwarded, 2)).to.equal('203.0.113.9')
      expect(clientAddress(forwarded, 3)).to.equal('198.51.100.1')
      expect(clientAddress(forwarded, 9)).to.equal('198.51.100.1')
      expect(clientAddress(forwarded, Number.POSITIVE_INFINITY)).to.equal('198.51.100.1')
      expect(clientAddress(view({}, '10.0.0.2'), 1)).to.equal('10.0.0.2')
      expect(clientAddress(view({ 'x-forwarded-for': ' , ' }, '10.0.0.2'), 1)).to.equal('10.0.0.2')
    })
  })

  describe('in the authenticator', () => {
    const key = secret()
    const base = { issuer: TEST_ISSUER, keys: { secrets: { 'kid-1': key } } }
    const bad = { authorization: 'Bearer a.b.c' }

    it('validates its options at construction, naming them', () => {
      const build = (throttle: unknown) => () => createAuthenticator({ ...base, throttle } as never)
      expect(build({ maxFailures: 0 })).to.throw(RangeError, /"throttle.maxFailures"/)
      expect(build({ window: 0 })).to.throw(RangeError, /"throttle.window"/)
      expect(build({ window: 'soon' })).to.throw(RangeError, /"throttle.window"/)
      expect(build({ trustProxy: -1 })).to.throw(TypeError, /"throttle.trustProxy"/)
      expect(build({ trustProxy: 1, key: () => 'k' })).to.throw(TypeError, /"throttle.key" and "throttle.trustProxy"/)
      expect(build({ maxKeys: 10, store: new MemoryThrottleStore(1) })).to.throw(TypeError, /"throttle.store" and "throttle.maxKeys"/)
      expect(build({ store: {} })).to.throw(TypeError, /"throttle.store"/)
      expect(build({ onBlock: 'x' })).to.throw(TypeError, /"throttle.onBlock"/)
      expect(build({ maxFailure: 3 })).to.throw(TypeError, /unknown option "maxFailure"/)
      expect(build('on')).to.throw(TypeError, /"throttle"/)
      expect(build(false)).to.not.throw()
    })

    it('keys with a key function; undefined leaves a request unthrottled', async () => {
      const a = createAuthenticator({ ...base, clock: createManualClock(NOW), throttle: { maxFailures: 1, key: (v) => v.headers['x-api-client'] as string | undefined } })
      expect(await codeOf(a.authenticate(view({ ...bad, 'x-api-client': 'one' })))).to.equal('invalid_token')
      expect(await codeOf(a.authenticate(view({ ...bad, 'x-api-client': 'one' })))).to.equal('too_many_failures')
      expect(await codeOf(a.authenticate(view({ ...bad, 'x-api-client': 'two' })))).to.equal('invalid_token')
      for (let i = 0; i < 3; i++) expect(await codeOf(a.authenticate(view(bad)))).to.equal('invalid_token')
    })

    it('stays synchronous with the memory store: authenticateSync throws the 429', async () => {
      const clock = createManualClock(NOW)
      const a = createAuthenticator({ ...base, clock, throttle: { maxFailures: 1 } })
      const token = await mint({ key, now: NOW / 1000 })
      expect(a.authenticateSync(view({ authorization: `Bearer ${token}` }))?.subject).to.equal('johndoe')
      expect(() => a.authenticateSync(view(bad))).to.throw().with.property('code', 'invalid_token')
      expect(() => a.authenticateSync(view({ authorization: `Bearer ${token}` }))).to.throw().with.property('retryAfter', 60)
      expect(a.authenticateEager(view({ authorization: `Bearer ${token}` }, '192.0.2.2'))).to.not.be.instanceOf(Promise)
    })

    it('works with an asynchronous store, and fails open when the store fails', async () => {
      const memory = new MemoryThrottleStore(10)
      const store: ThrottleStore = {
        blockedFor: async (k, max, now) => memory.blockedFor(k, max, now),
        recordFailure: async (k, w, now): Promise<FailureCount> => memory.recordFailure(k, w, now),
      }
      const a = createAuthenticator({ ...base, clock: createManualClock(NOW), throttle: { maxFailures: 2, store } })
      expect(await codeOf(a.authenticate(view(bad)))).to.equal('invalid_token')
      expect(await codeOf(a.authenticate(view(bad)))).to.equal('invalid_token')
      await Promise.resolve()
      expect(await codeOf(a.authenticate(view(bad)))).to.equal('too_many_failures')
      expect(() => a.authenticateSync(view(bad))).to.throw().with.property('code', 'ERR_HIVEGATE_NOT_SYNC')

      const errors: unknown[] = []
      const broken: ThrottleStore = {
        blockedFor: () => Promise.reject(new Error('redis down')),
        recordFailure: () => {
          throw new Error('redis down')
        },
      }
      const open = createAuthenticator({ ...base, throttle: { store: broken, onStoreError: (err) => errors.push(err) } })
      expect(await codeOf(open.authenticate(view(bad)))).to.equal('invalid_token')
      expect(errors).to.have.length(2)
    })

    it('counts neither origin refusals nor missing credentials', async () => {
      const a = createAuthenticator({ ...base, clock: createManualClock(NOW), throttle: { maxFailures: 1 } })
      const token = await mint({ key, now: NOW / 1000 })
      for (let i = 0; i < 3; i++) {
        expect(await codeOf(a.authenticate({ ...view({ cookie: `hg_token=${token}`, origin: 'https://evil.example', host: 'app.example' }), method: 'POST' }))).to.equal('origin_not_allowed')
        expect(await codeOf(a.authenticate(view()))).to.equal('credentials_required')
      }
    })
  })
})
