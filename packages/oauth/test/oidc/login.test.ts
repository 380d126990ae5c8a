import { expect } from 'chai'
import express from 'express'
import request from 'supertest'
import { createServer, type Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import { oidcLogin, type OidcLoginOptions } from '@hivegate/oauth'
import { close, listen } from '../../../../test/helpers/listen.js'

const secret = randomBytes(32)
const BASE: OidcLoginOptions = {
  issuer: 'https://idp.example',
  clientId: 'web',
  clientSecret: 'client-secret',
  redirectUri: 'https://app.example/auth/oidc/callback',
  tenant: 'acme',
  session: { secret },
}
const build = (extra: Record<string, unknown>) => () => oidcLogin({ ...BASE, ...extra } as OidcLoginOptions)

describe('oidcLogin', () => {
  it('validates its options at construction, naming them', () => {
    expect(build({ issuer: 'not a url' })).to.throw(TypeError, '"issuer"')
    expect(build({ issuer: 'http://idp.example' })).to.throw(TypeError, '"issuer" must use https')
    expect(build({ issuer: 'http://idp.example', allowHttpLocalhost: true })).to.throw(TypeError, '"issuer" plain http is allowed only for localhost')
    expect(build({ issuer: 'http://127.0.0.1:9', allowHttpLocalhost: true, redirectUri: 'http://127.0.0.1:8/cb' })).to.not.throw()
    expect(build({ clientId: '' })).to.throw(TypeError, '"clientId"')
    expect(build({ clientAuthMethod: 'client_secret_post', clientSecret: undefined })).to.throw(TypeError, '"clientSecret"')
    expect(build({ clientAuthMethod: 'private_key_jwt' })).to.throw(TypeError, '"clientAuthMethod"')
    expect(build({ redirectUri: 'https://app.example/cb#x' })).to.throw(TypeError, 'fragment')
    expect(build({ scope: 'profile' })).to.throw(TypeError, '"scope" must include openid')
    expect(build({ authorizationParams: { state: 'x' } })).to.throw(TypeError, '"authorizationParams.state"')
    expect(build({ authorizationParams: { response_mode: 'fragment' } })).to.throw(TypeError, '"authorizationParams.response_mode"')
    expect(build({ tenant: undefined })).to.throw(TypeError, '"tenant" is required unless "mapClaims"')
    expect(build({ tenant: undefined, mapClaims: () => null })).to.not.throw()
    expect(build({ mapClaims: 'x' })).to.throw(TypeError, '"mapClaims"')
    expect(build({ timeout: 0 })).to.throw(RangeError, '"timeout"')
    expect(build({ session: { secret: 'short' } })).to.throw(RangeError)
  })

  describe('discovery', () => {
    let server: Server
    let issuer: string
    let failures = 1
    before(async () => {
      server = createServer((req, res) => {
        if (req.url !== '/.well-known/openid-configuration') return void res.writeHead(404).end()
        if (failures-- > 0) return void res.writeHead(503).end()
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(
          JSON.stringify({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` }),
        )
      })
      issuer = await listen(server)
    })
    after(() => close(server))

    it('fails with provider_error, is not cached, and then builds the PKCE authorization request', async () => {
      const login = oidcLogin({ ...BASE, issuer, allowHttpLocalhost: true, authorizationParams: { prompt: 'login' } })
      const app = express().use(login.express())
      const down = await request(app).get('/auth/oidc/login')
      expect(down.status).to.equal(502)
      expect(down.body.error).to.equal('provider_error')
      expect(down.headers['set-cookie']).to.equal(undefined)
      const res = await request(app).get('/auth/oidc/login?returnTo=/after')
      expect(res.status).to.equal(303)
      const url = new URL(res.headers.location)
      expect(`${url.origin}${url.pathname}`).to.equal(`${issuer}/authorize`)
      expect([...url.searchParams.keys()].sort()).to.deep.equal(
        ['client_id', 'code_challenge', 'code_challenge_method', 'nonce', 'prompt', 'redirect_uri', 'response_type', 'scope', 'state'].sort(),
      )
      expect(url.searchParams.get('response_type')).to.equal('code')
      expect(url.searchParams.get('code_challenge')).to.match(/^[\w-]{43}$/)
      expect(res.headers['set-cookie'][0]).to.match(/^hg_oidc_login=[\w-]+; Path=\/auth\/oidc; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/)
    })
  })
})
