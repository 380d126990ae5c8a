import { expect } from 'chai'
import { startEchoUpstream, startProxy, type EchoUpstream, type RunningProxy } from '../helpers/gateway-kit.js'
import { dpopKey, proof, type DpopKey } from '../helpers/dpop.js'
import { secret } from '../helpers/keys.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../helpers/tokens.js'
import { connect, refusal } from '../helpers/ws-client.js'

const SECRET = secret()

describe('gateway with DPoP', () => {
  let upstream: EchoUpstream
  let gw: RunningProxy
  let key: DpopKey
  let token: string

  before(async () => {
    upstream = await startEchoUpstream()
    key = await dpopKey('ES256')
    token = await mint({ key: SECRET, claims: { cnf: { jkt: key.jkt } } })
    gw = await startProxy({
      target: upstream.url,
      auth: { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': SECRET } }, dpop: { mode: 'required', nonce: true } },
    })
  })
  after(async () => {
    await gw?.close()
    await upstream?.close()
  })

  it('HTTP: asks for a nonce, then proxies a request with a valid proof, and refuses its replay', async () => {
    const htu = `${gw.url}/api/items`
    const first = await fetch(htu, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, { htm: 'GET', htu, token }) } })
    expect(first.status).to.equal(401)
    expect(first.headers.get('www-authenticate')).to.match(/^DPoP error="use_dpop_nonce"/)
    const nonce = first.headers.get('dpop-nonce')!
    await first.arrayBuffer()
    const dpop = await proof(key, { htm: 'GET', htu, token, nonce })
    const ok = await fetch(`${htu}?q=1`, { headers: { authorization: `DPoP ${token}`, dpop } })
    expect(ok.status).to.equal(200)
    expect(((await ok.json()) as { url: string }).url).to.equal('/api/items?q=1')
    const replay = await fetch(htu, { headers: { authorization: `DPoP ${token}`, dpop } })
    expect(replay.status).to.equal(401)
    expect(((await replay.json()) as { error: string }).error).to.equal('invalid_dpop_proof')
  })

  it('stripCredentials removes the DPoP proof with the Authorization header', async () => {
    const stripping = await startProxy({
      target: upstream.url,
      stripCredentials: true,
      auth: { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': SECRET } }, dpop: { mode: 'required' } },
    })
    try {
      const htu = `${stripping.url}/api/items`
      const ok = await fetch(htu, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, { htm: 'GET', htu, token }) } })
      expect(ok.status).to.equal(200)
      const seen = (await ok.json()) as { headers: Record<string, string> }
      expect(seen.headers).to.not.have.property('authorization')
      expect(seen.headers).to.not.have.property('dpop')
    } finally {
      await stripping.close()
    }
  })

  it('WebSocket: the proof is checked at the upgrade (the gateway and its ws handler spend it once), with the same nonces', async () => {
    const url = `${gw.wsUrl}/live`
    const asked = await refusal(url, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, { htm: 'GET', htu: url, token }) } })
    expect(asked.status).to.equal(401)
    const nonce = asked.headers['dpop-nonce'] as string
    const arriving = upstream.nextSocket()
    const socket = await connect(url, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, { htm: 'GET', htu: url, token, nonce }) } })
    expect(JSON.parse(await socket.next())[0].res).to.equal('suc')
    const upstreamSide = await arriving
    socket.send('hello')
    expect(await socket.next()).to.equal('echo:hello')
    expect(upstreamSide).to.exist
    await socket.close()
    const wrong = await refusal(url, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, { htm: 'POST', htu: url, token, nonce }) } })
    expect(wrong.status).to.equal(401)
    expect(JSON.parse(wrong.body).error).to.equal('invalid_dpop_proof')
  })
})
