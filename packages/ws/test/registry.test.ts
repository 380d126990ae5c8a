import { expect } from 'chai'
import { createRevocationList, type RevocationList } from '@hivegate/core'
import { connect, type TestSocket } from '../../../test/helpers/ws-client.js'
import { startWs, type Fixture } from './fixture.js'

describe('registry', () => {
  let f: Fixture
  let revocations: RevocationList
  beforeEach(async () => {
    revocations = createRevocationList()
    f = await startWs({ revocations })
  })
  afterEach(() => f.stop())

  async function byMessage(claims: Record<string, unknown>): Promise<TestSocket> {
    const client = await connect(f.url)
    client.send(`Bearer ${await f.token(claims)}`)
    expect(JSON.parse(await client.next())[0].res).to.equal('suc')
    return client
  }

  async function byHeader(claims: Record<string, unknown>): Promise<TestSocket> {
    const client = await connect(f.url, { headers: { authorization: `Bearer ${await f.token(claims)}` } })
    expect(JSON.parse(await client.next())[0].res).to.equal('suc')
    return client
  }

  it('reads the AuthContext of each trusted connection and lists them by subject and tenant', async () => {
    const alice = await byMessage({ sub: 'alice', tnd: 't1' })
    const bob = await byHeader({ sub: 'bob', tnd: 't1' })
    const carol = await byMessage({ sub: 'carol', tnd: 't2' })
    const quarantined = await connect(f.url)
    expect(f.wsAuth.connections()).to.have.length(3)
    expect(f.wsAuth.connections({ tenant: 't1' }).map((ws) => f.wsAuth.authOf(ws)?.subject).sort()).to.deep.equal(['alice', 'bob'])
    expect(f.wsAuth.connections({ subject: 'carol', tenant: 't2' })).to.have.length(1)
    expect(f.wsAuth.connections({ subject: 'carol', tenant: 't1' })).to.have.length(0)
    const [ws] = f.wsAuth.connections({ subject: 'bob' })
    expect(f.wsAuth.authOf(ws!)?.tenant).to.equal('t1')
    await Promise.all([alice.close(), bob.close(), carol.close(), quarantined.close()])
    expect(f.wsAuth.connections()).to.have.length(0)
  })

  it('closes by subject or tenant with 1008, or the code and reason given', async () => {
    const alice = await byMessage({ sub: 'alice', tnd: 't1' })
    const bob = await byMessage({ sub: 'bob', tnd: 't1' })
    const carol = await byMessage({ sub: 'carol', tnd: 't2' })
    expect(f.wsAuth.closeWhere({ subject: 'alice' })).to.equal(1)
    expect(await alice.closed).to.deep.equal({ code: 1008, reason: 'Connection closed by the server' })
    expect(f.wsAuth.closeWhere({ tenant: 't1' }, 4000, 'x'.repeat(200))).to.equal(1)
    const closed = await bob.closed
    expect(closed.code).to.equal(4000)
    expect(closed.reason).to.have.length(123)
    expect(carol.ws.readyState).to.equal(carol.ws.OPEN)
    await carol.close()
  })

  it('closes one token\'s connections by jti, leaving the same subject\'s other tokens open', async () => {
    const first = await byMessage({ sub: 'dave', tnd: 't1', jti: 'jti-first' })
    const second = await byMessage({ sub: 'dave', tnd: 't1', jti: 'jti-second' })
    expect(f.wsAuth.connections({ jti: 'jti-first' })).to.have.length(1)
    expect(f.wsAuth.closeWhere({ jti: 'jti-first' })).to.equal(1)
    expect((await first.closed).code).to.equal(1008)
    expect(second.ws.readyState).to.equal(second.ws.OPEN)
    await second.close()
  })

  it('refuses an empty filter and an invalid close code', () => {
    expect(() => f.wsAuth.closeWhere({})).to.throw(TypeError, /"filter"/)
    expect(() => f.wsAuth.closeWhere({ subject: 'a' }, 1006)).to.throw(RangeError, /"code"/)
  })

  it('closes the connections of a revoked jti with 4401, and only those', async () => {
    const one = await byMessage({ jti: 'jti-one' })
    const two = await byHeader({ jti: 'jti-one' })
    const other = await byMessage({ jti: 'jti-other' })
    revocations.revoke('jti-one')
    expect(await one.closed).to.deep.equal({ code: 4401, reason: 'The token has been revoked' })
    expect((await two.closed).code).to.equal(4401)
    expect(other.ws.readyState).to.equal(other.ws.OPEN)
    expect(f.wsAuth.connections()).to.have.length(1)
    await other.close()
  })

  it('follows the new jti after a re-authentication', async () => {
    const client = await byMessage({ jti: 'first' })
    client.send(`Bearer ${await f.token({ jti: 'second' })}`)
    expect(JSON.parse(await client.next())[0].res).to.equal('suc')
    revocations.revoke('first')
    expect(f.wsAuth.connections()).to.have.length(1)
    revocations.revoke('second')
    expect((await client.closed).code).to.equal(4401)
  })

  it('stops listening for revocations after close()', async () => {
    const client = await byMessage({ jti: 'kept' })
    f.wsAuth.close()
    expect((await client.closed).code).to.equal(1001)
    revocations.revoke('kept')
  })
})
