import { expect } from 'chai'
import { createAuthenticator } from '@hivegate/core'
import { WebSocketServer } from 'ws'
import { createUpgradeHandler } from '@hivegate/ws'
import { connect } from '../../../test/helpers/ws-client.js'
import { startWs, verifierOptions, type Fixture } from './fixture.js'

describe('the auth option group', () => {
  let f: Fixture | undefined
  afterEach(() => f?.stop())

  it('takes the authenticator options as one group, beside the quarantine bounds', async () => {
    f = await startWs((clock) => ({ auth: verifierOptions(clock), maxAuthAttempts: 1 }))
    const byHeader = await connect(f.url, { headers: { authorization: `Bearer ${await f.token({ sub: 'alice' })}` } })
    expect(JSON.parse(await byHeader.next())[0].res).to.equal('suc')
    const byMessage = await connect(f.url)
    byMessage.send(`Bearer ${await f.token({ sub: 'bob' })}`)
    expect(JSON.parse(await byMessage.next())[0].res).to.equal('suc')
    const bad = await connect(f.url)
    bad.send('Bearer nope')
    expect((await bad.closed).code).to.equal(4429)
    await Promise.all([byHeader.close(), byMessage.close()])
  })

  it('excludes the flat authenticator options and a ready authenticator, naming the option', () => {
    const wss = new WebSocketServer({ noServer: true })
    const auth = { issuer: 'x', keys: { secrets: { k: 'x'.repeat(32) } } }
    expect(() => createUpgradeHandler(wss, { auth: 'no' as never })).to.throw(TypeError, /"auth"/)
    expect(() => createUpgradeHandler(wss, { auth, issuer: 'y' })).to.throw(TypeError, /"issuer" cannot be combined with "auth"/)
    expect(() => createUpgradeHandler(wss, { auth, authenticator: createAuthenticator(auth) })).to.throw(TypeError, /"auth" cannot be combined with "authenticator"/)
    wss.close()
  })
})
