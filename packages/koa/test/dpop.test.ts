import { expect } from 'chai'
import { createServer } from 'node:http'
import Koa from 'koa'
import request from 'supertest'
import { hivegate } from '@hivegate/koa'
import { dpopKey, proof } from '../../../test/helpers/dpop.js'
import { describeDpopInterop } from '../../../test/helpers/dpop-interop-suite.js'
import { close, listen } from '../../../test/helpers/listen.js'
import { secret } from '../../../test/helpers/keys.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/helpers/tokens.js'

const SECRET = secret()

describeDpopInterop('koa', SECRET, (dpop) => {
  const made = new Koa()
  made.silent = true
  made.use(hivegate({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': SECRET } }, dpop }))
  made.use((ctx) => {
    ctx.body = { source: ctx.state.auth?.source, subject: ctx.state.auth?.subject }
  })
  const server = createServer(made.callback())
  return { start: () => listen(server), stop: () => close(server) }
})

describe('koa: DPoP', () => {
  function app(proxy = false) {
    const made = new Koa()
    made.silent = true
    made.proxy = proxy
    made.use(hivegate({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': SECRET } }, dpop: { mode: 'required', algorithms: ['ES256'] } }))
    made.use((ctx) => {
      ctx.body = { source: ctx.state.auth?.source }
    })
    return made.callback()
  }

  it('accepts a valid proof and refuses a wrong one with the DPoP challenge', async () => {
    const key = await dpopKey('ES256')
    const token = await mint({ key: SECRET, claims: { cnf: { jkt: key.jkt } } })
    const handler = app()
    const good = await proof(key, { htm: 'DELETE', htu: 'http://api.example/items/7', token })
    const ok = await request(handler).delete('/items/7?force=1').set('Host', 'api.example').set('Authorization', `DPoP ${token}`).set('DPoP', good)
    expect(ok.status).to.equal(200)
    expect(ok.body).to.deep.equal({ source: 'dpop' })
    const wrong = await proof(key, { htm: 'GET', htu: 'http://api.example/items/7', token })
    const refused = await request(handler).delete('/items/7').set('Host', 'api.example').set('Authorization', `DPoP ${token}`).set('DPoP', wrong)
    expect(refused.status).to.equal(401)
    expect(refused.headers['www-authenticate']).to.match(/^DPoP error="invalid_dpop_proof", error_description="[^"]+", algs="ES256"$/)
    expect(refused.headers['cache-control']).to.equal('no-store')
    expect(refused.body.error).to.equal('invalid_dpop_proof')
  })

  it('refuses a Bearer token in required mode and answers a missing one with algs', async () => {
    const token = await mint({ key: SECRET })
    const bearer = await request(app()).get('/').set('Authorization', `Bearer ${token}`)
    expect(bearer.status).to.equal(401)
    expect(bearer.body.error).to.equal('invalid_token')
    const none = await request(app()).get('/')
    expect(none.headers['www-authenticate']).to.equal('DPoP algs="ES256"')
  })

  it('takes htu from the forwarded host and scheme when app.proxy is set', async () => {
    const key = await dpopKey('ES256')
    const token = await mint({ key: SECRET, claims: { cnf: { jkt: key.jkt } } })
    const dpop = await proof(key, { htm: 'GET', htu: 'https://public.example/x', token })
    const ok = await request(app(true)).get('/x').set('X-Forwarded-Proto', 'https').set('X-Forwarded-Host', 'public.example')
      .set('Authorization', `DPoP ${token}`).set('DPoP', dpop)
    expect(ok.status).to.equal(200)
  })
})
