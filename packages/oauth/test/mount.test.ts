import { expect } from 'chai'
import express from 'express'
import Koa from 'koa'
import request from 'supertest'
import { LoginError } from '@hivegate/oauth'
import { toExpress, toKoa, type FlowHandler } from '../src/mount.js'

const handle: FlowHandler = async (req) => {
  if (req.path === '/auth/fail') throw new LoginError('state_mismatch')
  if (req.path === '/auth/crash') throw new Error('secret detail at /srv/app.js:1')
  if (req.path === '/auth/form') {
    const form = await req.readForm(64)
    return { status: 200, headers: { 'Content-Type': 'text/plain' }, cookies: ['a=1; Path=/', 'b=2; Path=/'], body: form.get('x') ?? '' }
  }
  return undefined
}

function expressApp(onError?: (err: unknown) => void): express.Express {
  const app = express()
  app.use('/auth', toExpress(handle, onError))
  app.use((_req, res) => void res.status(404).send('next'))
  return app
}

function koaApp(): Koa {
  const app = new Koa()
  app.use(toKoa(handle))
  app.use((ctx) => {
    ctx.status = 404
    ctx.body = 'next'
  })
  return app
}

describe('framework glue', () => {
  for (const [name, server] of [['express', () => expressApp()], ['koa', () => koaApp().callback()]] as const) {
    describe(name, () => {
      it('answers a LoginError with its status and JSON code, and no cookie', async () => {
        const res = await request(server()).get('/auth/fail')
        expect(res.status).to.equal(400)
        expect(res.body).to.deep.equal({ error: 'state_mismatch', error_description: 'The login state does not match' })
        expect(res.headers['set-cookie']).to.equal(undefined)
        expect(res.headers['cache-control']).to.equal('no-store')
      })

      it('answers an HTML page to a browser', async () => {
        const res = await request(server()).get('/auth/fail').set('Accept', 'text/html')
        expect(res.status).to.equal(400)
        expect(res.text).to.include('state_mismatch')
        expect(res.headers['content-security-policy']).to.equal("default-src 'none'")
      })

      it('turns an unexpected failure into server_error without its detail', async () => {
        const res = await request(server()).get('/auth/crash')
        expect(res.status).to.equal(500)
        expect(res.body).to.deep.equal({ error: 'server_error', error_description: 'The login failed' })
        expect(res.text).to.not.include('secret detail')
      })

      it('reads a form body within the limit, and sets several cookies', async () => {
        const res = await request(server()).post('/auth/form').type('form').send({ x: 'hello' })
        expect(res.status).to.equal(200)
        expect(res.text).to.equal('hello')
        expect(res.headers['set-cookie']).to.deep.equal(['a=1; Path=/', 'b=2; Path=/'])
      })

      it('refuses a body over the limit with payload_too_large', async () => {
        const res = await request(server()).post('/auth/form').type('form').send({ x: 'y'.repeat(100) })
        expect(res.status).to.equal(413)
        expect(res.body.error).to.equal('payload_too_large')
      })

      it('refuses a body that is not a form', async () => {
        const res = await request(server()).post('/auth/form').type('json').send({ x: 'y' })
        expect(res.status).to.equal(400)
        expect(res.body.error).to.equal('session_data_invalid')
      })

      it('passes other paths on', async () => {
        const res = await request(server()).get('/auth/other')
        expect(res.status).to.equal(404)
        expect(res.text).to.equal('next')
      })
    })
  }

  it('uses a body an Express body parser already read', async () => {
    const app = express()
    app.use(express.urlencoded({ extended: false }))
    app.use(toExpress(handle))
    const res = await request(app).post('/auth/form').type('form').send({ x: 'parsed' })
    expect(res.text).to.equal('parsed')
  })

  it('hands every failure to onError, and survives an onError that throws', async () => {
    const seen: unknown[] = []
    await request(expressApp((err) => seen.push(err))).get('/auth/fail')
    expect(seen[0]).to.be.instanceOf(LoginError)
    const res = await request(expressApp(() => { throw new Error('log down') })).get('/auth/fail')
    expect(res.status).to.equal(400)
  })
})
