import { expect } from 'chai'
import Router from '@koa/router'
import express from 'express'
import Koa from 'koa'
import request from 'supertest'
import { randomBytes } from 'node:crypto'
import { hivempLogin, type HivempLoginOptions } from '@hivegate/oauth'

const secret = randomBytes(32)
const BASE: HivempLoginOptions = {
  clientId: 'public-key',
  projectId: 'project-1',
  websiteUrl: 'https://game.example/',
  redirectUri: 'https://game.example/auth/callback',
  session: { secret, kid: 'web' },
}

const build = (extra: Partial<HivempLoginOptions> | Record<string, unknown>) => () => hivempLogin({ ...BASE, ...extra } as HivempLoginOptions)

describe('hivempLogin', () => {
  it('derives its routes from the redirect URI, or from basePath', () => {
    expect(hivempLogin(BASE).paths).to.deep.equal({ login: '/auth/login', callback: '/auth/callback', logout: '/auth/logout' })
    expect(hivempLogin({ ...BASE, redirectUri: 'https://game.example/auth/hivemp/cb', basePath: '/auth' }).paths).to.deep.equal({
      login: '/auth/login',
      callback: '/auth/hivemp/cb',
      logout: '/auth/logout',
    })
  })

  it('sends the browser to the public HiveMP page by default, with a per-login redirect URI and a Secure login cookie', async () => {
    const app = express().use(hivempLogin(BASE).express())
    const res = await request(app).get('/auth/login')
    expect(res.status).to.equal(303)
    const url = new URL(res.headers.location)
    expect(`${url.origin}${url.pathname}`).to.equal('https://hivemp.com/oauth')
    expect([...url.searchParams.keys()]).to.deep.equal(['client_id', 'redirect_uri'])
    expect(url.searchParams.get('client_id')).to.equal('public-key')
    expect(url.searchParams.get('redirect_uri')).to.match(/^https:\/\/game\.example\/auth\/callback\/[A-Za-z0-9_-]{32}$/)
    expect(res.headers['set-cookie'][0]).to.match(/; Path=\/auth; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/)
    const again = new URL((await request(app).get('/auth/login')).headers.location)
    expect(again.searchParams.get('redirect_uri')).to.not.equal(url.searchParams.get('redirect_uri'))
  })

  it('serves the callback page only on the path /login put in this browser\'s login cookie', async () => {
    const app = express().use(hivempLogin(BASE).express())
    const start = await request(app).get('/auth/login')
    const cookie = start.headers['set-cookie'][0].split(';')[0]
    const own = new URL(new URL(start.headers.location).searchParams.get('redirect_uri')!).pathname
    const page = await request(app).get(own).set('Cookie', cookie)
    expect(page.status).to.equal(200)
    expect(page.text).to.include(`action="${own}"`)
    const other = new URL(new URL((await request(app).get('/auth/login')).headers.location).searchParams.get('redirect_uri')!).pathname
    for (const path of [other, '/auth/callback', '/auth/callback/guess']) {
      const res = await request(app).get(path).set('Cookie', cookie)
      expect(res.status, path).to.equal(400)
      expect(res.body, path).to.deep.include({ error: 'state_mismatch' })
      expect(res.text).to.not.include('name="csrf"')
    }
    for (const path of [other, '/auth/callback']) {
      const res = await request(app).post(path).set('Cookie', cookie).type('form').send({ csrf: 'x', session: 'e30=' })
      expect(res.body, path).to.deep.include({ error: 'state_mismatch' })
    }
    // Deeper paths are the app's, not the login's.
    expect((await request(app).get('/auth/callback/a/b').set('Cookie', cookie)).status).to.equal(404)
  })

  it('keeps the fixed callback, with no per-login value, only with insecureFixedCallback', async () => {
    const login = hivempLogin({ ...BASE, insecureFixedCallback: true })
    const app = express().use(login.express())
    const res = await request(app).get('/auth/login')
    expect(res.headers.location).to.equal(
      'https://hivemp.com/oauth?client_id=public-key&redirect_uri=https%3A%2F%2Fgame.example%2Fauth%2Fcallback',
    )
    const cookie = res.headers['set-cookie'][0].split(';')[0]
    expect((await request(app).get('/auth/callback').set('Cookie', cookie)).status).to.equal(200)
    expect((await request(app).get('/auth/callback/x').set('Cookie', cookie)).status).to.equal(404)
  })

  it('mounts on a @koa/router router by its paths, the callback with one segment below it', async () => {
    const login = hivempLogin(BASE)
    const router = new Router()
    for (const path of [login.paths.login, `${login.paths.callback}/:key`, login.paths.logout]) router.all(path, login.koa())
    const app = new Koa().use(router.routes())
    const res = await request(app.callback()).get('/auth/login')
    expect(res.status).to.equal(303)
    expect(res.headers.location).to.match(/^https:\/\/hivemp\.com\/oauth\?/)
    const callback = new URL(new URL(res.headers.location).searchParams.get('redirect_uri')!).pathname
    expect((await request(app.callback()).get(callback).set('Cookie', res.headers['set-cookie'][0].split(';')[0])).status).to.equal(200)
    expect((await request(app.callback()).get('/auth/logout')).status).to.equal(303)
  })

  it('answers 405 to other methods on its routes', async () => {
    const app = express().use(hivempLogin(BASE).express())
    expect((await request(app).post('/auth/login')).body).to.deep.include({ error: 'method_not_allowed' })
    expect((await request(app).put('/auth/callback')).status).to.equal(405)
    expect((await request(app).delete('/auth/callback/abc')).status).to.equal(405)
  })

  it('clears the session cookie at logout and returns to a same-origin path', async () => {
    const app = express().use(hivempLogin({ ...BASE, session: { secret, cookieName: 'sid' } }).express())
    const res = await request(app).get('/auth/logout?returnTo=/bye')
    expect(res.status).to.equal(303)
    expect(res.headers.location).to.equal('/bye')
    expect(res.headers['set-cookie'][0]).to.match(/^sid=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax;.* Secure$/)
  })

  it('validates its options at construction, naming them', () => {
    expect(build({ clientId: '' })).to.throw(TypeError, '"clientId"')
    expect(build({ projectId: 42 })).to.throw(TypeError, '"projectId"')
    expect(build({ websiteUrl: 'http://game.example/' })).to.throw(TypeError, '"websiteUrl" must use https')
    expect(build({ redirectUri: 'https://game.example.evil/auth/callback' })).to.throw(TypeError, '"redirectUri" is not valid: host differs')
    expect(build({ redirectUri: 'https://game.example/auth/../admin/callback' })).to.throw(TypeError, 'dot-segment')
    expect(build({ websiteUrl: 'https://game.example/app', redirectUri: 'https://game.example/application/cb' })).to.throw(TypeError, 'below')
    expect(build({ authorizeUrl: 'http://hivemp.example/oauth' })).to.throw(TypeError, '"authorizeUrl"')
    expect(build({ apiUrl: 'ftp://x' })).to.throw(TypeError, '"apiUrl"')
    expect(build({ providerTimeout: 0 })).to.throw(RangeError, '"providerTimeout" must be a positive integer')
    expect(build({ maxBodySize: 1.5 })).to.throw(RangeError, '"maxBodySize"')
    expect(build({ maxSessionDataLength: -1 })).to.throw(RangeError, '"maxSessionDataLength"')
    expect(build({ showLegacyLoginLink: 'yes' })).to.throw(TypeError, '"showLegacyLoginLink"')
    expect(build({ insecureFixedCallback: 'yes' })).to.throw(TypeError, '"insecureFixedCallback" must be a boolean')
    expect(build({ redirectUri: 'https://game.example/auth/callback/' })).to.throw(TypeError, '"redirectUri" must not end with "/"')
    expect(build({ redirectUri: 'https://game.example/auth/callback/', insecureFixedCallback: true })).to.not.throw()
    expect(build({ onSession: 'x' })).to.throw(TypeError, '"onSession"')
    expect(build({ basePath: '/other' })).to.throw(TypeError, '"basePath"')
    expect(build({ loginTtl: '1y' })).to.throw(RangeError, '"loginTtl"')
    expect(build({ defaultReturnTo: '//evil' })).to.throw(TypeError, '"defaultReturnTo"')
    expect(build({ allowHttpLocalhost: 'true' })).to.throw(TypeError, '"allowHttpLocalhost"')
    expect(build({ session: { privateKey: 'x' } })).to.throw(TypeError, '"stateSecret"')
    expect(build({ stateSecret: 'short' })).to.throw(RangeError, '"stateSecret"')
  })

  it('allows plain http only for localhost, with allowHttpLocalhost', () => {
    const local = { websiteUrl: 'http://localhost:3000/', redirectUri: 'http://localhost:3000/auth/callback' }
    expect(build(local)).to.throw(TypeError, 'https')
    expect(build({ ...local, allowHttpLocalhost: true })).to.not.throw()
    expect(build({ websiteUrl: 'http://game.example/', redirectUri: 'http://game.example/auth/callback', allowHttpLocalhost: true })).to.throw(
      TypeError,
      'only for localhost',
    )
  })

  it('sets a login cookie without Secure only on http localhost', async () => {
    const app = express().use(
      hivempLogin({ ...BASE, websiteUrl: 'http://localhost:3000/', redirectUri: 'http://localhost:3000/auth/callback', allowHttpLocalhost: true }).express(),
    )
    const res = await request(app).get('/auth/login')
    expect(res.headers['set-cookie'][0]).to.not.include('Secure')
  })
})
