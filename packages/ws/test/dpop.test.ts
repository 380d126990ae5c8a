import { expect } from 'chai'
import { dpopKey, proof, type DpopKey } from '../../../test/helpers/dpop.js'
import { connect, refusal } from '../../../test/helpers/ws-client.js'
import { startWs, tokenAt, type Fixture } from './fixture.js'

describe('upgrade with DPoP', () => {
  let f: Fixture
  let key: DpopKey
  before(async () => {
    key = await dpopKey('ES256')
  })
  afterEach(() => f?.stop())

  const iat = () => Math.floor(f.clock.now() / 1000)

  it('checks the proof at the upgrade: htm GET, htu the ws URL, and trusts the connection at once', async () => {
    f = await startWs({ dpop: { mode: 'required' } })
    const token = await tokenAt(f.clock, { cnf: { jkt: key.jkt } })
    const handed = f.nextConnection()
    const dpop = await proof(key, { htm: 'GET', htu: `${f.url.replace(/\/$/, '')}/live?room=1`, token, iat: iat() })
    const client = await connect(`${f.url.replace(/\/$/, '')}/live?room=1`, { headers: { authorization: `DPoP ${token}`, dpop } })
    const { auth } = await handed
    expect(auth.source).to.equal('dpop')
    expect(JSON.parse(await client.next())[0].res).to.equal('suc')
    await client.close()
  })

  it('refuses a wrong htu, a replayed proof and a Bearer-sent bound token with 401 and the DPoP challenge, never upgrading', async () => {
    f = await startWs({ dpop: { mode: 'allowed', algorithms: ['ES256'] } })
    const token = await tokenAt(f.clock, { cnf: { jkt: key.jkt } })
    const wrong = await proof(key, { htm: 'GET', htu: `${f.url.replace(/\/$/, '')}/other`, token, iat: iat() })
    const answer = await refusal(f.url, { headers: { authorization: `DPoP ${token}`, dpop: wrong } })
    expect(answer.status).to.equal(401)
    expect(answer.headers['www-authenticate']).to.match(/^Bearer, DPoP error="invalid_dpop_proof", error_description="[^"]+", algs="ES256"$/)
    expect(JSON.parse(answer.body).error).to.equal('invalid_dpop_proof')

    const good = await proof(key, { htm: 'GET', htu: f.url, token, iat: iat() })
    const first = await connect(f.url, { headers: { authorization: `DPoP ${token}`, dpop: good } })
    await first.next()
    const replay = await refusal(f.url, { headers: { authorization: `DPoP ${token}`, dpop: good } })
    expect(JSON.parse(replay.body).error).to.equal('invalid_dpop_proof')
    await first.close()

    const bearer = await refusal(f.url, { headers: { authorization: `Bearer ${token}` } })
    expect(bearer.status).to.equal(401)
    expect(bearer.headers['www-authenticate']).to.match(/^Bearer error="invalid_token", .*DPoP algs="ES256"$/)
    expect(f.app).to.have.length(1)
  })

  it('asks for a nonce at the upgrade with use_dpop_nonce and DPoP-Nonce', async () => {
    f = await startWs({ dpop: { mode: 'required', nonce: true } })
    const token = await tokenAt(f.clock, { cnf: { jkt: key.jkt } })
    const first = await refusal(f.url, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, { htm: 'GET', htu: f.url, token, iat: iat() }) } })
    expect(JSON.parse(first.body).error).to.equal('use_dpop_nonce')
    const nonce = first.headers['dpop-nonce'] as string
    const handed = f.nextConnection()
    const client = await connect(f.url, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, { htm: 'GET', htu: f.url, token, iat: iat(), nonce }) } })
    expect((await handed).auth.source).to.equal('dpop')
    await client.close()
  })

  it('refuses a bound token sent as an auth message in quarantine (no proof can come with it), takes an unbound one', async () => {
    f = await startWs({ dpop: { mode: 'allowed' } })
    const bound = await tokenAt(f.clock, { cnf: { jkt: key.jkt } })
    const client = await connect(f.url)
    client.send(`Bearer ${bound}`)
    const reply = JSON.parse(await client.next())[0]
    expect(reply.res).to.equal('err')
    expect(f.app).to.have.length(0)
    client.send(`Bearer ${await tokenAt(f.clock)}`)
    expect(JSON.parse(await client.next())[0].res).to.equal('suc')
    await client.close()
  })
})
