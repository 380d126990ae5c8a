import { expect } from 'chai'
import { createServer, type Server } from 'node:http'
import express from 'express'
import * as oauth from 'oauth4webapi'
import request from 'supertest'
import { hivegate } from '@hivegate/express'
import { dpopKey, proof } from '../../../test/helpers/dpop.js'
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

describe('express: DPoP', () => {
  describe('interop with oauth4webapi over a real socket', () => {
    let server: Server
    let url: string
    let nonceServer: Server
    let nonceUrl: string
    let keyPair: CryptoKeyPair
    let token: string
    const client = { client_id: 'hivegate-test' }

    before(async () => {
      keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
      const jkt = await oauth.DPoP(client, keyPair).calculateThumbprint()
      token = await mint({ key: SECRET, claims: { cnf: { jkt } } })
      server = createServer(app({ mode: 'required' }))
      url = await listen(server)
      nonceServer = createServer(app({ mode: 'required', nonce: true }))
      nonceUrl = await listen(nonceServer)
    })
    after(async () => {
      await close(server)
      await close(nonceServer)
    })

    const call = (handle: oauth.DPoPHandle, method: string, target: string) =>
      oauth.protectedResourceRequest(token, method, new URL(target), new Headers(), method === 'GET' ? null : '{}', {
        DPoP: handle,
        [oauth.allowInsecureRequests]: true,
      })

    it('accepts its proofs, GET and POST, with a query string', async () => {
      const handle = oauth.DPoP(client, keyPair)
      for (const method of ['GET', 'POST']) {
        const response = await call(handle, method, `${url}/things/1?page=2`)
        expect(response.status, method).to.equal(200)
        expect(await response.json()).to.deep.equal({ source: 'dpop', subject: 'johndoe' })
      }
    })

    it('follows a server nonce: use_dpop_nonce, then the retry with the nonce passes', async () => {
      const handle = oauth.DPoP(client, keyPair)
      let err: unknown
      try {
        await call(handle, 'GET', `${nonceUrl}/things/1`)
      } catch (e) {
        err = e
      }
      expect(oauth.isDPoPNonceError(err)).to.equal(true)
      const response = await call(handle, 'GET', `${nonceUrl}/things/1`)
      expect(response.status).to.equal(200)
    })

    it('a bound token sent as Bearer is refused with a DPoP challenge', async () => {
      const response = await fetch(`${url}/things/1`, { headers: { authorization: `Bearer ${token}` } })
      expect(response.status).to.equal(401)
      expect(response.headers.get('www-authenticate')).to.match(/^DPoP error="invalid_token", error_description="[^"]+", algs="/)
      await response.arrayBuffer()
    })
  })

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
