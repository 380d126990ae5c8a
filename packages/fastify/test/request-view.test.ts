import { expect } from 'chai'
import request from 'supertest'
import Fastify from 'fastify'
import { hivegate, type HivegateOptions } from '@hivegate/fastify'
import { expectRefusal, suiteFixture } from '../../../test/helpers/http-adapter-suite.js'
import { asListener } from '../../../test/helpers/fastify-app.js'
import { countPeerReads } from '../../../test/helpers/peer-reads.js'

describe('fastify 5: request view', () => {
  it('reads the socket peer only when the failure throttle needs it', async () => {
    const f = suiteFixture()
    const peer = { reads: 0 }
    const appWith = (extra: Record<string, unknown>) => {
      const app = Fastify()
      // Registered first, so it runs before the plugin's onRequest hook.
      app.addHook('onRequest', (req, _reply, done) => {
        countPeerReads(req.raw.socket, peer)
        done()
      })
      app.register(hivegate, f.options(extra) as HivegateOptions)
      app.get('/', async (req) => ({ subject: req.auth?.subject }))
      return asListener(app)
    }
    const token = await f.token()
    expect((await request(appWith({})).get('/').set('Authorization', `Bearer ${token}`)).status).to.equal(200)
    expect(peer.reads).to.equal(0)
    expectRefusal(await request(appWith({ throttle: {} })).get('/').set('Authorization', `Bearer ${token}x`), 401, 'invalid_token', 'invalid_token')
    expect(peer.reads).to.be.greaterThan(0)
  })
})
