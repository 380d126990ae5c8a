// One acceptance suite for the HTTP API examples (examples/express, examples/koa, examples/fastify): the app factory
// with supertest, and `node examples/<name>` run as its README says.
import { expect } from 'chai'
import request from 'supertest'
import { createManualClock } from '@hivegate/core'
import type { TestableApp } from './http-adapter-suite.js'
import { mint } from './tokens.js'
import { runExample, type RunningExample } from './run-example.js'

/** What an API example module exports (plain JavaScript, without declarations). */
interface ApiExample {
  createApp(options?: { secret?: string; clock?: unknown }): any
  DEMO: { issuer: string; audience: string; kid: string; secret: string }
  demoToken(secret?: string): string
}

/** An example to drive: its folder, its workspace package, and how supertest serves its app. */
export interface ApiExampleTarget {
  /** e.g. `examples/express`, run as `node examples/express`. */
  readonly folder: string
  /** The example's workspace package name, e.g. `@hivegate/example-express`. */
  readonly packageName: string
  /** The app `createApp()` returns, as supertest takes it (a Koa app needs `.callback()`). */
  readonly serve: (app: any) => TestableApp
}

/** The README's promises for one API example: open /health, both sources, guards, CSRF, expiry, the printed lines. */
export function describeApiExample({ folder, packageName, serve }: ApiExampleTarget): void {
  describe(folder, () => {
    let example: ApiExample
    const app = (options?: { clock?: unknown }) => serve(example.createApp(options))
    const bearer = () => `Bearer ${example.demoToken()}`

    // Loaded in a hook: until the workspace link exists, this suite fails alone, not the whole run.
    before(async () => {
      example = (await import(packageName)) as ApiExample
    })

    it('serves /health without credentials', async () => {
      expect((await request(app()).get('/health')).status).to.equal(200)
    })

    it('answers /api/me for the cookie and for the Bearer header', async () => {
      const server = app()
      const byCookie = await request(server).get('/api/me').set('Cookie', `hg_token=${example.demoToken()}`)
      expect(byCookie.body).to.deep.equal({ subject: 'johndoe', tenant: 'tenant-1', source: 'cookie' })
      const byHeader = await request(server).get('/api/me').set('Authorization', bearer())
      expect(byHeader.body.source).to.equal('bearer')
    })

    it('refuses a request without credentials with 401 and an RFC 6750 challenge', async () => {
      const res = await request(app()).get('/api/me')
      expect(res.status).to.equal(401)
      expect(res.headers['www-authenticate']).to.equal('Bearer realm="hivegate-demo"')
      expect(res.body.error).to.equal('credentials_required')
    })

    it('guards objects by the token’s per and dpv claims', async () => {
      const server = app()
      expect((await request(server).get('/api/realms/london/deliveryRiders/bob').set('Authorization', bearer())).status).to.equal(200)
      expect((await request(server).put('/api/realms/london/deliveryRides/johndoe-123').set('Authorization', bearer())).status).to.equal(200)
      const denied = await request(server).put('/api/realms/london/deliveryRides/other-456').set('Authorization', bearer())
      expect(denied.status).to.equal(403)
      expect(denied.body.error).to.equal('insufficient_permission')
      expect((await request(server).post('/api/providers/london/deliveryRides/johndoe-123').set('Authorization', bearer())).status).to.equal(200)
    })

    it('refuses a cross-site POST carried by the cookie, not one carried by Bearer', async () => {
      const server = app()
      const path = '/api/providers/london/deliveryRides/johndoe-123'
      const cookie = await request(server).post(path).set('Origin', 'https://evil.example').set('Cookie', `hg_token=${example.demoToken()}`)
      expect(cookie.status).to.equal(403)
      expect(cookie.body.error).to.equal('origin_not_allowed')
      const header = await request(server).post(path).set('Origin', 'https://evil.example').set('Authorization', bearer())
      expect(header.status).to.equal(200)
    })

    it('refuses an expired token with 401 token_expired', async () => {
      const clock = createManualClock(Date.parse('2030-01-01T00:00:00Z'))
      const server = app({ clock })
      const { DEMO } = example
      const token = await mint({ key: Buffer.from(DEMO.secret), kid: DEMO.kid, now: clock.now() / 1000, claims: { iss: DEMO.issuer, aud: DEMO.audience } })
      expect((await request(server).get('/api/me').set('Authorization', `Bearer ${token}`)).status).to.equal(200)
      clock.advance(2 * 3600_000)
      const res = await request(server).get('/api/me').set('Authorization', `Bearer ${token}`)
      expect(res.status).to.equal(401)
      expect(res.body.error).to.equal('token_expired')
    })

    describe(`node ${folder}`, () => {
      let running: RunningExample
      before(async () => {
        running = await runExample(folder)
      })
      after(async () => {
        await running?.stop()
      })

      it('prints a working token and curl lines that answer as printed', async () => {
        const { base, token, output } = running
        expect(output).to.include(`curl --cookie "hg_token=$TOKEN" ${base}/api/me`)
        const me = await fetch(`${base}/api/me`, { headers: { cookie: `hg_token=${token}` } })
        expect(me.status).to.equal(200)
        expect(await me.json()).to.deep.equal({ subject: 'johndoe', tenant: 'tenant-1', source: 'cookie' })
        const lines = [...output.matchAll(/^\s+curl (?:-i )?(?:-X (\w+) )?(?:--cookie "hg_token=\$TOKEN" |-H "Authorization: Bearer \$TOKEN" )?(?:-H "Origin: (\S+)" )?(\S+)$/gm)]
        expect(lines.map((m) => m[3])).to.have.length(6)
        const expected = [200, 200, 200, 403, 403, 401]
        for (const [i, line] of lines.entries()) {
          const text = line[0]
          const headers: Record<string, string> = {}
          if (text.includes('--cookie')) headers['cookie'] = `hg_token=${token}`
          if (text.includes('Authorization')) headers['authorization'] = `Bearer ${token}`
          if (line[2] !== undefined) headers['origin'] = line[2]
          const res = await fetch(line[3]!, { method: line[1] ?? 'GET', headers })
          expect(res.status, text.trim()).to.equal(expected[i])
        }
      })
    })
  })
}
