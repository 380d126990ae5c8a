import { expect } from 'chai'
import request from 'supertest'
import type { Request, Response } from 'express'
import { hivegate } from '@hivegate/express'
import { expectRefusal, suiteFixture, type SuiteFixture } from '../../../test/helpers/http-adapter-suite.js'
import { EXPRESS_HOSTS } from './express-hosts.js'
import { countPeerReads } from '../../../test/helpers/peer-reads.js'

const whoami = (req: Request, res: Response) => {
  res.json({ source: req.auth?.source })
}

for (const [name, express] of EXPRESS_HOSTS) {
  describe(`${name}: request view`, () => {
    let f: SuiteFixture
    beforeEach(() => {
      f = suiteFixture()
    })

    it('uses req.cookies when a cookie parser filled it', async () => {
      const app = express()
      const token = await f.token()
      app.use((req, _res, next) => {
        req.cookies = { hg_token: token }
        next()
      })
      app.use(hivegate(f.options()))
      app.get('/whoami', whoami)
      const res = await request(app).get('/whoami')
      expect(res.body.source).to.equal('cookie')
    })

    it('reads req.cookies only: a token cookie-parser moved to req.signedCookies is not a credential', async () => {
      const app = express()
      const token = await f.token()
      app.use((req, _res, next) => {
        // What cookie-parser leaves for a signed `s:` cookie: gone from req.cookies, in req.signedCookies.
        req.cookies = {}
        req.signedCookies = { hg_token: token }
        next()
      })
      app.use(hivegate(f.options()))
      app.get('/whoami', whoami)
      expectRefusal(await request(app).get('/whoami'), 401, 'credentials_required')
    })

    it('refuses a cookie that a parser turned into an object, without a 5xx', async () => {
      const app = express()
      app.use((req, _res, next) => {
        req.cookies = { hg_token: { a: 1 } }
        next()
      })
      app.use(hivegate(f.options()))
      app.get('/whoami', whoami)
      expectRefusal(await request(app).get('/whoami'), 400, 'invalid_request', 'invalid_request')
    })

    it('reads the socket peer only when the failure throttle needs it', async () => {
      const peer = { reads: 0 }
      const appWith = (extra: Record<string, unknown>) => {
        const app = express()
        app.use((req, _res, next) => {
          countPeerReads(req.socket, peer)
          next()
        })
        app.use(hivegate(f.options(extra)))
        app.get('/whoami', whoami)
        return app
      }
      const token = await f.token()
      expect((await request(appWith({})).get('/whoami').set('Authorization', `Bearer ${token}`)).status).to.equal(200)
      expect(peer.reads).to.equal(0)
      expectRefusal(await request(appWith({ throttle: {} })).get('/whoami').set('Authorization', `Bearer ${token}x`), 401, 'invalid_token', 'invalid_token')
      expect(peer.reads).to.be.greaterThan(0)
    })
  })
}
