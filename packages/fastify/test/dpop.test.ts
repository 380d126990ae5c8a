import { expect } from 'chai'
import Fastify, { type FastifyInstance } from 'fastify'
import { hivegate, type HivegateOptions } from '@hivegate/fastify'
import { dpopKey, proof } from '../../../test/helpers/dpop.js'
import { describeDpopInterop } from '../../../test/helpers/dpop-interop-suite.js'
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

// Fastify gets DPoP from core's gate unchanged.
describeDpopInterop('fastify', SECRET, (dpop) => asSelfListening(app(dpop)))

describe('fastify: DPoP', () => {
  const server = asSelfListening(app({ mode: 'required' }))
  let url: string
  before(async () => {
    url = await server.start()
  })
  after(() => server.stop())

  it('refuses a proof made for another method with the DPoP challenge and the JSON body', async () => {
    const key = await dpopKey('ES256')
    const bound = await mint({ key: SECRET, claims: { cnf: { jkt: key.jkt } } })
    const dpop = await proof(key, { htm: 'POST', htu: `${url}/things/1`, token: bound })
    const response = await fetch(`${url}/things/1`, { headers: { authorization: `DPoP ${bound}`, dpop } })
    expect(response.status).to.equal(401)
    expect(response.headers.get('www-authenticate')).to.match(/^DPoP error="invalid_dpop_proof", error_description="[^"]+", algs="/)
    expect((await response.json()).error).to.equal('invalid_dpop_proof')
  })
})
