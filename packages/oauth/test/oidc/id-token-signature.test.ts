import { expect } from 'chai'
import express from 'express'
import request from 'supertest'
import { SignJWT } from 'jose'
import { createServer, type Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import { oidcLogin } from '@hivegate/oauth'
import { jwks, keyPair } from '../../../../test/helpers/keys.js'
import { close, listen } from '../../../../test/helpers/listen.js'

// A scripted provider: discovery, a JWKS with one key, and a token endpoint answering `idToken()`.
describe('ID token signature', () => {
  const published = keyPair('ES256', 'published')
  const stranger = keyPair('ES256', 'stranger')
  let server: Server
  let issuer: string
  let idToken: (nonce: string) => Promise<string>
  let nonceSent = ''

  before(async () => {
    server = createServer((req, res) => {
      const json = (body: unknown): void => void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body))
      if (req.url === '/.well-known/openid-configuration') {
        return json({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['ES256'] })
      }
      if (req.url === '/jwks') return json(jwks(published))
      if (req.url === '/token' && req.method === 'POST') {
        req.resume()
        req.on('end', () => void idToken(nonceSent).then((token) => json({ access_token: 'at', token_type: 'Bearer', id_token: token })))
        return
      }
      res.writeHead(404).end()
    })
    issuer = await listen(server)
  })
  after(() => close(server))

  const sign = (pair: typeof published, audience = 'web') => (nonce: string) =>
    new SignJWT({ nonce })
      .setProtectedHeader({ alg: 'ES256', kid: pair.kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(pair.privateKey)

  async function callback(): Promise<request.Response> {
    const login = oidcLogin({
      issuer,
      clientId: 'web',
      clientSecret: 'secret',
      redirectUri: 'http://127.0.0.1:9/auth/oidc/callback',
      allowHttpLocalhost: true,
      tenant: 'acme',
      session: { secret: randomBytes(32) },
    })
    const app = express().use(login.express())
    const start = await request(app).get('/auth/oidc/login')
    const authorize = new URL(start.headers.location)
    nonceSent = authorize.searchParams.get('nonce')!
    const cookie = start.headers['set-cookie'][0].split(';')[0]
    return request(app).get(`/auth/oidc/callback?code=c1&state=${authorize.searchParams.get('state')}`).set('Cookie', cookie)
  }

  it('accepts an ID token signed by a key of the provider JWKS', async () => {
    idToken = sign(published)
    const res = await callback()
    expect(res.status).to.equal(303)
    expect(res.headers['set-cookie'][0]).to.match(/^hg_token=/)
  })

  it('refuses an ID token signed by a key the provider does not publish, with no cookie', async () => {
    idToken = sign(stranger)
    const res = await callback()
    expect(res.status).to.equal(401)
    expect(res.body.error).to.equal('id_token_invalid')
    expect(res.headers['set-cookie']).to.equal(undefined)
  })

  it('refuses an ID token for another audience', async () => {
    idToken = sign(published, 'other')
    const res = await callback()
    expect(res.status).to.equal(401)
    expect(res.body.error).to.equal('id_token_invalid')
  })
})
