import { expect } from 'chai'
import Fastify, { type FastifyInstance } from 'fastify'
import * as oauth from 'oauth4webapi'
import { hivegate, type HivegateOptions } from '@hivegate/fastify'
import { dpopKey, proof } from '../../../test/helpers/dpop.js'
import { asSelfListening } from '../../../test/helpers/fastify-app.js'
import { secret } from '../../../test/helpers/keys.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/helpers/tokens.js'

const SECRET = secret()
const base = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': SECRET } } }

function app(dpop: HivegateOptions['dpop']): FastifyInstance {
  const made = Fastify()
  void made.register(hivegate, { ...base, dpop })
  made.all('/things/:id', async (request) => ({ source: request.auth?.source, subject: request.auth?.subject }))
  return made
}

// Fastify gets DPoP from core's gate unchanged: a real client's proofs pass, a wrong one is refused.
describe('fastify: DPoP over a real socket', () => {
  const required = asSelfListening(app({ mode: 'required' }))
  const withNonce = asSelfListening(app({ mode: 'required', nonce: true }))
  const client = { client_id: 'hivegate-test' }
  let url: string
  let nonceUrl: string
  let keyPair: CryptoKeyPair
  let token: string

  before(async () => {
    keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
    token = await mint({ key: SECRET, claims: { cnf: { jkt: await oauth.DPoP(client, keyPair).calculateThumbprint() } } })
    url = await required.start()
    nonceUrl = await withNonce.start()
  })
  after(async () => {
    await required.stop()
    await withNonce.stop()
  })

  const call = (handle: oauth.DPoPHandle, method: string, target: string) =>
    oauth.protectedResourceRequest(token, method, new URL(target), new Headers(), method === 'GET' ? null : '{}', {
      DPoP: handle,
      [oauth.allowInsecureRequests]: true,
    })

  it('accepts oauth4webapi proofs, GET and POST, with a query string', async () => {
    const handle = oauth.DPoP(client, keyPair)
    for (const method of ['GET', 'POST']) {
      const response = await call(handle, method, `${url}/things/1?page=2`)
      expect(response.status, method).to.equal(200)
      expect(await response.json()).to.deep.equal({ source: 'dpop', subject: 'johndoe' })
    }
  })

  it('follows a server nonce: use_dpop_nonce, then the retry passes', async () => {
    const handle = oauth.DPoP(client, keyPair)
    let err: unknown
    try {
      await call(handle, 'GET', `${nonceUrl}/things/1`)
    } catch (e) {
      err = e
    }
    expect(oauth.isDPoPNonceError(err)).to.equal(true)
    expect((await call(handle, 'GET', `${nonceUrl}/things/1`)).status).to.equal(200)
  })

  it('refuses a proof made for another method with the DPoP challenge and no-store', async () => {
    const key = await dpopKey('ES256')
    const bound = await mint({ key: SECRET, claims: { cnf: { jkt: key.jkt } } })
    const dpop = await proof(key, { htm: 'POST', htu: `${url}/things/1`, token: bound })
    const response = await fetch(`${url}/things/1`, { headers: { authorization: `DPoP ${bound}`, dpop } })
    expect(response.status).to.equal(401)
    expect(response.headers.get('www-authenticate')).to.match(/^DPoP error="invalid_dpop_proof", error_description="[^"]+", algs="/)
    expect(response.headers.get('cache-control')).to.equal('no-store')
    expect((await response.json()).error).to.equal('invalid_dpop_proof')
  })

  it('refuses a bound token sent as Bearer', async () => {
    const response = await fetch(`${url}/things/1`, { headers: { authorization: `Bearer ${token}` } })
    expect(response.status).to.equal(401)
    expect(response.headers.get('www-authenticate')).to.match(/^DPoP error="invalid_token"/)
    await response.arrayBuffer()
  })
})
