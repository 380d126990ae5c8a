import { expect } from 'chai'
import { createManualClock, createVerifier } from '@hivegate/core'
import { authProxy } from '@hivegate/proxy'
import { startEchoUpstream, startProxy, type EchoUpstream, type RunningProxy } from '../helpers/gateway-kit.js'
import { hostileSetup, hostileTokens, hostileVerifierOptions, validToken, type HostileSetup, type HostileToken } from '../helpers/hostile.js'
import { describeHostileTokens } from '../helpers/http-hostile-suite.js'
import { rejects } from '../helpers/listen.js'
import { connect } from '../helpers/ws-client.js'

describe('gateway: hostile tokens', () => {
  let upstream: EchoUpstream
  before(async () => {
    upstream = await startEchoUpstream()
  })
  after(() => upstream.close())

  // The suite builds its app in its own `before`, after the upstream above is listening.
  describeHostileTokens('authProxy (HTTP)', (options) => authProxy({ target: upstream.url, auth: options }).middleware as never)

  describe('at the WebSocket upgrade', () => {
    let setup: HostileSetup
    let list: HostileToken[]
    let gw: RunningProxy
    before(async () => {
      setup = hostileSetup()
      list = await hostileTokens(setup)
      const verifier = createVerifier({ ...hostileVerifierOptions(setup), clock: createManualClock(setup.now * 1000) })
      verifier.revocations.revoke(setup.revokedJti)
      gw = await startProxy({ target: upstream.url, auth: { verifier } })
    })
    after(() => gw.close())

    it('refuses every sendable one with a 4xx before upgrading, and never contacts the upstream', async () => {
      const before = upstream.upgrades.length
      for (const hostile of list) {
        if (/[^\t\x20-\x7e]/.test(hostile.token) || hostile.oversized) continue
        const err = await rejects(connect(`${gw.wsUrl}/live`, { headers: { Authorization: `Bearer ${hostile.token}` } }))
        expect(err.status, hostile.name).to.be.within(400, 499)
      }
      expect(upstream.upgrades.length).to.equal(before)
      const ok = await connect(`${gw.wsUrl}/live`, { headers: { Authorization: `Bearer ${validToken(setup)}` } })
      await ok.close()
    })
  })
})
