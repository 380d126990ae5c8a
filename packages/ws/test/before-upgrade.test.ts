import { expect } from 'chai'
import { AuthError, type AuthContext } from '@hivegate/core'
import type { IncomingMessage } from 'node:http'
import { WebSocketServer } from 'ws'
import { createUpgradeHandler } from '@hivegate/ws'
import { connect, refusal } from '../../../test/helpers/ws-client.js'
import { startWs, type Fixture } from './fixture.js'

describe('beforeUpgrade', () => {
  let f: Fixture | undefined
  afterEach(() => f?.stop())

  it('sees the upgrade-time AuthContext (undefined for quarantine) before anything is upgraded', async () => {
    const seen: Array<{ url: string | undefined; subject: string | undefined; quarantined: boolean }> = []
    f = await startWs({
      beforeUpgrade(req: IncomingMessage, auth: AuthContext | undefined) {
        seen.push({ url: req.url, subject: auth?.subject, quarantined: auth === undefined })
      },
    })
    const trusted = await connect(`${f.url}a`, { headers: { authorization: `Bearer ${await f.token({ sub: 'alice' })}` } })
    expect(JSON.parse(await trusted.next())[0].res).to.equal('suc')
    const waiting = await connect(`${f.url}b`)
    expect(seen).to.deep.equal([
      { url: '/a', subject: 'alice', quarantined: false },
      { url: '/b', subject: undefined, quarantined: true },
    ])
    await Promise.all([trusted.close(), waiting.close()])
  })

  it('refuses with the status of an AuthError it throws or rejects with, and upgrades nothing', async () => {
    f = await startWs({
      beforeUpgrade: async (req: IncomingMessage) => {
        if (req.url === '/sync') throw new AuthError('insufficient_permission')
        await Promise.resolve()
        if (req.url === '/async') throw new AuthError('server_busy')
      },
    })
    const token = await f.token()
    const sync = await refusal(`${f.url}sync`, { headers: { authorization: `Bearer ${token}` } })
    expect(sync.status).to.equal(403)
    expect(sync.headers['cache-control']).to.equal('no-store')
    const later = await refusal(`${f.url}async`)
    expect(later.status).to.equal(503)
    expect(f.app).to.have.length(0)
    expect(f.wsAuth.quarantined).to.equal(0)
  })

  it('must be a function', () => {
    const wss = new WebSocketServer({ noServer: true })
    expect(() => createUpgradeHandler(wss, { issuer: 'x', keys: { secrets: { k: 'x'.repeat(32) } }, beforeUpgrade: 'no' as never })).to.throw(TypeError, /"beforeUpgrade"/)
    wss.close()
  })
})
