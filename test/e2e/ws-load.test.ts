// 1000 token-less connections wait in quarantine at once, then all authenticate.
import { expect } from 'chai'
import { connect, type TestSocket } from '../helpers/ws-client.js'
import { startWs, type Fixture } from '../../packages/ws/test/fixture.js'

describe('ws: 1000 simultaneous quarantined connections', function () {
  this.timeout(60_000)
  const COUNT = 1000
  let f: Fixture
  let clients: TestSocket[] = []
  before(async () => (f = await startWs({ maxQuarantined: COUNT })))
  after(async () => {
    await Promise.all(clients.map((c) => c.close()))
    await f.stop()
  })

  it('holds them all in quarantine, then trusts each one after its auth message', async () => {
    clients = await Promise.all(Array.from({ length: COUNT }, () => connect(f.url)))
    expect(f.wsAuth.quarantined).to.equal(COUNT)
    const tokens = await Promise.all(clients.map((_, i) => f.token({ sub: `user-${i}`, jti: `jti-${i}` })))
    clients.forEach((c, i) => c.send(`Bearer ${tokens[i]}`))
    const replies = await Promise.all(clients.map((c) => c.nextJson()))
    for (const [i, reply] of replies.entries()) {
      expect(reply).to.deep.include.members([{ typ: 'sys', act: 'aut', res: 'suc', dat: { sub: `user-${i}`, tnd: 'tenant-1', exp: (reply as any)[0].dat.exp } }])
    }
    expect(f.wsAuth.quarantined).to.equal(0)
    expect(f.app).to.have.length(COUNT)
    expect(f.wsAuth.connections()).to.have.length(COUNT)
    expect(f.wss.clients.size).to.equal(COUNT)
  })
})
