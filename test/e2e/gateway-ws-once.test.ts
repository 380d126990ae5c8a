// A proxied WebSocket is authenticated once: the gateway's route check and its @hivegate/ws
// handler share one authenticator, so each credential costs one verification.
import { expect } from 'chai'
import { startEchoUpstream, startProxy, type EchoUpstream, type RunningProxy } from '../helpers/gateway-kit.js'
import { secret } from '../helpers/keys.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../helpers/tokens.js'
import { connect, refusal } from '../helpers/ws-client.js'

const key = secret()

describe('gateway verifies each proxied WebSocket once', () => {
  let upstream: EchoUpstream
  let gw: RunningProxy
  let verifications = 0

  before(async () => {
    upstream = await startEchoUpstream()
    gw = await startProxy({
      target: upstream.url,
      // Run on every verification, cached or not: it counts them.
      auth: { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': key } }, isRevoked: () => (verifications++, false) },
      routes: [{ path: '/realms/:realm/*', permission: [':realm', 'deliveryRiders/*', 'R'] }],
    })
  })
  beforeEach(() => (verifications = 0))
  after(async () => {
    await gw?.close()
    await upstream?.close()
  })

  it('one verification for an upgrade that carries its token', async () => {
    const arriving = upstream.nextSocket()
    const socket = await connect(`${gw.wsUrl}/live`, { headers: { authorization: `Bearer ${await mint({ key })}` } })
    expect(JSON.parse(await socket.next())[0].res).to.equal('suc')
    await arriving
    socket.send('hello')
    expect(await socket.next()).to.equal('echo:hello')
    expect(verifications).to.equal(1)
    await socket.close()
  })

  it('one verification for an upgrade its route rule refuses, with 403 before any upgrade', async () => {
    const token = await mint({ key, claims: { per: { paris: { 'deliveryRiders/*': 'R' } } } })
    const refused = await refusal(`${gw.wsUrl}/realms/london/live`, { headers: { authorization: `Bearer ${token}` } })
    expect(refused.status).to.equal(403)
    expect(JSON.parse(refused.body).error).to.equal('insufficient_permission')
    expect(verifications).to.equal(1)
  })

  it('one verification for a connection that authenticates by message from quarantine', async () => {
    const arriving = upstream.nextSocket()
    const socket = await connect(`${gw.wsUrl}/live`)
    socket.send(`Bearer ${await mint({ key })}`)
    expect(JSON.parse(await socket.next())[0].res).to.equal('suc')
    await arriving
    expect(verifications).to.equal(1)
    await socket.close()
  })

  it('reads a token offered as a subprotocol when websocket.quarantine names a prefix, still once', async () => {
    const browserLike = await startProxy({
      target: upstream.url,
      auth: { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': key } }, isRevoked: () => (verifications++, false) },
      websocket: { quarantine: { subprotocolTokenPrefix: 'bearer.' } },
    })
    try {
      const arriving = upstream.nextSocket()
      const socket = await connect(`${browserLike.wsUrl}/live`, { protocols: ['hivekit', `bearer.${await mint({ key })}`] })
      expect(JSON.parse(await socket.next())[0].res).to.equal('suc')
      expect(socket.ws.protocol).to.equal('hivekit')
      await arriving
      expect(verifications).to.equal(1)
      await socket.close()
    } finally {
      await browserLike.close()
    }
  })
})
