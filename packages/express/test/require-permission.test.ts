import { expect } from 'chai'
import request from 'supertest'
import type { ErrorRequestHandler, Request, Response } from 'express'
import { isAuthError } from '@hivegate/core'
import { hivegate, requireDataProvider, requirePermission } from '@hivegate/express'
import { expectRefusal, suiteFixture, type SuiteFixture } from '../../../test/helpers/http-adapter-suite.js'
import { EXPRESS_HOSTS } from './express-hosts.js'

// The guards' shared matrix (match, no match, no hivegate(), optional) runs in middleware.test.ts.
const ok = (_req: Request, res: Response) => {
  res.json({ ok: true })
}

for (const [name, express] of EXPRESS_HOSTS) {
  describe(`${name}: requirePermission() and requireDataProvider()`, () => {
    let f: SuiteFixture
    beforeEach(() => {
      f = suiteFixture()
    })

    it('work on a single route after hivegate()', async () => {
      const app = express()
      const gate = hivegate(f.options())
      app.get('/rides/:id', gate, requirePermission('london', (r) => `deliveryRides/${r.params.id}`, 'U'), ok)
      app.get('/open', (_req, res) => {
        res.json({ open: true })
      })
      expect((await request(app).get('/open')).status).to.equal(200)
      const auth = `Bearer ${await f.token()}`
      expect((await request(app).get('/rides/johndoe-123').set('Authorization', auth)).status).to.equal(200)
      expectRefusal(await request(app).get('/rides/other').set('Authorization', auth), 403, 'insufficient_permission', 'insufficient_scope')
    })

    it('guard an object id spread over a wildcard path', async () => {
      const app = express()
      app.use(hivegate(f.options()))
      // Express 5 names a wildcard and gives its segments as an array; Express 4 gives one string.
      if (name === 'express 5') app.put('/objects/*id', requirePermission('london', (r) => r.params.id, 'U'), ok)
      else app.put('/objects/*', requirePermission('london', (r) => r.params[0], 'U'), ok)
      const auth = `Bearer ${await f.token()}`
      expect((await request(app).put('/objects/deliveryRides/johndoe-123').set('Authorization', auth)).status).to.equal(200)
      expectRefusal(await request(app).put('/objects/deliveryRides/other').set('Authorization', auth), 403, 'insufficient_permission', 'insufficient_scope')
    })

    it("with errorMode: 'next' on hivegate(), hand their AuthError to the app's error handler too", async () => {
      const seen: string[] = []
      const app = express()
      app.use(hivegate(f.options({ errorMode: 'next' })))
      app.get('/realms/:realm', requirePermission((r) => r.params.realm, 'anything', 'R'), ok)
      const handler: ErrorRequestHandler = (err, _req, res, _next) => {
        expect(isAuthError(err)).to.equal(true)
        seen.push(`${err.code}:${err.realm}`)
        res.status(err.status).json({ custom: err.code })
      }
      app.use(handler)
      const none = await request(app).get('/realms/paris')
      expect(none.body).to.deep.equal({ custom: 'credentials_required' })
      const denied = await request(app).get('/realms/paris').set('Authorization', `Bearer ${await f.token()}`)
      expect(denied.status).to.equal(403)
      expect(denied.body).to.deep.equal({ custom: 'insufficient_permission' })
      expect(seen).to.deep.equal(['credentials_required:api', 'insufficient_permission:api'])
    })

    it('throw a TypeError naming an argument that is neither a non-empty string nor a function', () => {
      expect(() => requirePermission('london', 42 as never, 'R')).to.throw(TypeError, /"object"/)
      expect(() => requirePermission('london', 'x', 'read')).to.throw(TypeError, /"action"/)
      expect(() => requireDataProvider('', 'x')).to.throw(/"realm"/)
    })
  })
}
