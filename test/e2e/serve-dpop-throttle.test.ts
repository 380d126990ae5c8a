// `hivegate serve` with auth.dpop and auth.throttle from hivegate.yml, as real processes: alone
// (in-memory stores) and as two gateways on one real redis-server (shared stores).
import { expect } from 'chai'
import { dpopKey, proof, type DpopKey } from '../helpers/dpop.js'
import { startEchoUpstream, type EchoUpstream } from '../helpers/gateway-kit.js'
import type { RedisServer } from '../helpers/redis-server.js'
import { serveSuite, type ServeProcess, type ServeSuite } from '../helpers/serve-process.js'
import { mint, TEST_ISSUER } from '../helpers/tokens.js'
import { runCli } from '../../packages/cli/test/run-cli.js'

const SECRET = 'S'.repeat(43)
const NONCE_SECRET = 'N'.repeat(43)
const OPERATOR_KEY = `${'C'.repeat(42)}A`
const ENV = { HG_SECRET: SECRET, HG_DPOP_NONCE: NONCE_SECRET, HG_OPERATOR_KEY: OPERATOR_KEY }
// Both gateways stand behind one public name (a load balancer), so one proof's htu fits either.
const PUBLIC_URL = 'https://api.example'

interface Answer {
  status: number
  headers: Headers
  body: { error?: string; error_description?: string }
}

async function get(s: ServeProcess, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${s.url}/things`, { headers })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text.startsWith('{') ? JSON.parse(text) : {} }
}

describe('hivegate serve: auth.dpop and auth.throttle', function () {
  this.timeout(60_000)
  let suite: ServeSuite
  let upstream: EchoUpstream
  let key: DpopKey
  let token: string

  const config = (name: string, text: string): string =>
    suite.config(name, `upstream: { target: "${upstream.url}" }\nauth:\n  issuer: ${TEST_ISSUER}\n  secrets: { kid-1: { env: HG_SECRET } }\n${text}`)
  const serve = (file: string): Promise<ServeProcess> => suite.serve(file, ENV)
  const dpopHeaders = async (htu: string, nonce?: string): Promise<Record<string, string>> => ({
    authorization: `DPoP ${token}`,
    dpop: await proof(key, { htm: 'GET', htu, token, ...(nonce !== undefined && { nonce }) }),
  })

  before(async () => {
    suite = serveSuite('serve-dpop')
    upstream = await startEchoUpstream()
    key = await dpopKey('ES256')
    token = await mint({ key: Buffer.from(SECRET), claims: { aud: undefined, cnf: { jkt: key.jkt } } })
  })
  after(async () => {
    await suite?.close()
    await upstream?.close()
  })

  describe('one gateway, in-memory stores', () => {
    let gw: ServeProcess
    before(async () => {
      gw = await serve(config('alone', '  dpop: { mode: required, algorithms: [ES256, EdDSA], maxProofAge: 1m }\n'))
    })

    it('accepts a request with a valid proof, refuses its replay and a plain Bearer token', async () => {
      const headers = await dpopHeaders(`${gw.url}/things`)
      expect((await get(gw, headers)).status).to.equal(200)
      const replay = await get(gw, headers)
      expect(replay.status).to.equal(401)
      expect(replay.body).to.deep.include({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof was already used' })
      const bearer = await get(gw, { authorization: `Bearer ${token}` })
      expect(bearer.status).to.equal(401)
      expect(bearer.headers.get('www-authenticate')).to.match(/^DPoP /)
    })

    it('refuses a proof signed with an algorithm outside auth.dpop.algorithms', async () => {
      const rsa = await dpopKey('RS256')
      const other = await mint({ key: Buffer.from(SECRET), claims: { aud: undefined, cnf: { jkt: rsa.jkt } } })
      const refused = await get(gw, { authorization: `DPoP ${other}`, dpop: await proof(rsa, { htm: 'GET', htu: `${gw.url}/things`, token: other }) })
      expect(refused.status).to.equal(401)
      expect(refused.headers.get('www-authenticate')).to.include('algs="ES256 EdDSA"')
    })

    it('stops on SIGTERM with exit code 0 (nothing left open)', async () => {
      const extra = await serve(config('alone-stop', '  dpop: { mode: allowed }\n  throttle: { maxFailures: 3 }\n'))
      expect(await extra.stop('SIGTERM')).to.equal(0)
    })
  })

  describe('two gateways on one redis-server', () => {
    let redis: RedisServer
    let dpopA: ServeProcess
    let dpopB: ServeProcess
    let throttleA: ServeProcess
    let throttleB: ServeProcess

    before(async function () {
      redis = await suite.redis(this)
      const access = `access:\n  store: ${redis.url}\n  operatorKey: { env: HG_OPERATOR_KEY }\n`
      const dpop = config('dpop', `  dpop:\n    mode: required\n    requestUrl: ${PUBLIC_URL}\n    nonce: { secret: { env: HG_DPOP_NONCE }, rotation: 5m }\n${access}`)
      // Failures on the DPoP gateways would count too: the throttle gateways are a pair of their own.
      const throttle = config('throttle', `  throttle: { maxFailures: 3, window: 1m, trustProxy: 0 }\n${access}`)
      const init = await runCli(['access', 'init', '--config', dpop], { env: ENV })
      expect(init.code, init.stderr).to.equal(0)
      ;[dpopA, dpopB, throttleA, throttleB] = await Promise.all([serve(dpop), serve(dpop), serve(throttle), serve(throttle)])
    })
    it('a proof used on gateway A is refused on gateway B', async () => {
      const htu = `${PUBLIC_URL}/things`
      // Nonces derive from the shared secret: one handed out by A is accepted by B.
      const asked = await get(dpopA, await dpopHeaders(htu))
      expect(asked.status).to.equal(401)
      expect(asked.body.error).to.equal('use_dpop_nonce')
      const nonce = asked.headers.get('dpop-nonce')!
      const headers = await dpopHeaders(htu, nonce)
      expect((await get(dpopA, headers)).status).to.equal(200)
      const onB = await get(dpopB, headers)
      expect(onB.status).to.equal(401)
      expect(onB.body).to.deep.include({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof was already used' })
      const fresh = await dpopHeaders(htu, nonce)
      expect((await get(dpopB, fresh)).status).to.equal(200)
      expect((await get(dpopA, fresh)).body.error_description).to.equal('The DPoP proof was already used')
    })

    it('failures counted on gateway A block the client on gateway B: 429 with Retry-After', async () => {
      for (let i = 0; i < 3; i++) expect((await get(throttleA, { authorization: 'Bearer not-a-token' })).status).to.equal(401)
      const blocked = await get(throttleB, { authorization: `Bearer ${await mint({ key: Buffer.from(SECRET), claims: { aud: undefined } })}` })
      expect(blocked.status).to.equal(429)
      expect(blocked.body.error).to.equal('too_many_failures')
      const retryAfter = Number(blocked.headers.get('retry-after'))
      expect(retryAfter).to.be.within(1, 60)
      expect((await get(throttleA, {})).status).to.equal(429)
    })

    it('stops on SIGTERM with exit code 0: the Redis connections are closed', async () => {
      expect(await dpopB.stop('SIGTERM')).to.equal(0)
      expect(await throttleB.stop('SIGTERM')).to.equal(0)
    })
  })
})
