import { expect } from 'chai'
import request from 'supertest'
import { hivegate, type HivegateOptions } from '@hivegate/koa'
import { expectRefusal, suiteFixture } from '../../../test/helpers/http-adapter-suite.js'
import { countPeerReads } from '../../../test/helpers/peer-reads.js'
import { KOA_HOSTS } from './koa-hosts.js'

for (const [name, Koa] of KOA_HOSTS) {
  describe(`${name}: request view`, () => {
    it('reads the socket peer only when the failure throttle needs it', async () => {
      const f = suiteFixture()
      const peer = { reads: 0 }
      const appWith = (extra: Record<string, unknown>) => {
        const app = new Koa()
        app.use((ctx, next) => {
          countPeerReads(ctx.req.socket, peer)
          return next()
        })
        app.use(hivegate(f.options(extra) as HivegateOptions))
        app.use((ctx) => {
          ctx.body = { subject: ctx.state.auth?.subject }
        })
        return app.callback()
      }
      const token = await f.token()
      expect((await request(appWith({})).get('/').set('Authorization', `Bearer ${token}`)).status).to.equal(200)
      expect(peer.reads).to.equal(0)
      expectRefusal(await request(appWith({ throttle: {} })).get('/').set('Authorization', `Bearer ${token}x`), 401, 'invalid_token', 'invalid_token')
      expect(peer.reads).to.be.greaterThan(0)
    })
  })
}
