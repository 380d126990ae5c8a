import { expect } from 'chai'
import { createServer } from 'node:http'
import express from 'express'
import request from 'supertest'
import { hivegate } from '@hivegate/express'
import { dpopKey, proof } from '../../../test/helpers/dpop.js'
import { describeDpopInterop } from '../../../test/helpers/dpop-interop-suite.js'
import { secret } from '../../../test/helpers/keys.js'
import { close, listen } from '../../../test/helpers/listen.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/helpers/tokens.js'

const SECRET = secret()
const base = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': SECRET } } }

function app(dpop: Parameters<typeof hivegate>[0]['dpop']) {
  const made = express()
  made.use(hivegate({ ...base, dpop }))
  made.all('/things/:id', (req, res) => {
    res.json({ source: req.auth?.source, subject: req.auth?.subject })
  })
  return made
}

describeDpopInterop('express', SECRET, (dpop) => {
  const server = createServer(app(dpop))
  return { start: () => listen(server), stop: () => close(server) }
})

describe('express: DPoP', () => {
  describe('through supertest', () => {
    it('answers a bad proof 401 with the DPoP challenge and the JSON body', async () => {
      const key = await dpopKey('ES256')
      const token = await mint({ key: SECRET, claims: { cnf: { jkt: key.jkt } } })
      const target = app({ mode: 'allowed', algorithms: ['ES256'] })
      const agent = request(target)
      const dpop = await proof(key, { htm: 'POST', htu: 'http://127.0.0.1/things/1', token })
      const response = await agent.get('/things/1').set('Host', '127.0.0.1').set('Authorization', `DPoP ${token}`).set('DPoP', dpop)
      expect(response.status).to.equal(401)
      expect(response.headers['www-authenticate']).to.match(/^Bearer, DPoP error="invalid_dpop_proof", error_description="[^"]+", algs="ES256"$/)
      expect(response.body.error).to.equal('invalid_dpop_proof')
      const good = await proof(key, { htm: 'GET', htu: 'http://127.0.0.1/things/1', token })
      const ok = await agent.get('/things/1').set('Host', '127.0.0.1').set('Authorization', `DPoP ${token}`).set('DPoP', good)
      expect(ok.status).to.equal(200)
      expect(ok.body.source).to.equal('dpop')
    })

    it('takes the scheme and host from X-Forwarded-* when trust proxy says so', async () => {
      const key = await dpopKey('ES256')
      const token = await mint({ key: SECRET, claims: { cnf: { jkt: key.jkt } } })
      const target = app({ mode: 'required' })
      target.set('trust proxy', true)
      const dpop = await proof(key, { htm: 'GET', htu: 'https://public.example/things/1', token })
      const response = await request(target).get('/things/1').set('X-Forwarded-Proto', 'https').set('X-Forwarded-Host', 'public.example')
        .set('Authorization', `DPoP ${token}`).set('DPoP', dpop)
      expect(response.status).to.equal(200)
    })
  })
})
