import Router from '@koa/router'
import type { Middleware } from 'koa'
import { hivegate, requireAuthentication } from '@hivegate/koa'
import { describeStepUp } from '../../../test/helpers/step-up-suite.js'
import { KOA_HOSTS } from './koa-hosts.js'

const ok: Middleware = (ctx) => {
  ctx.body = { ok: true }
}

for (const [name, Koa] of KOA_HOSTS) {
  describeStepUp(name, (options, requirement) => {
    const app = new Koa()
    const open = new Router()
    open.get('/unguarded', requireAuthentication(requirement), ok)
    app.use(open.routes())
    app.use(hivegate(options))
    const router = new Router()
    router.get('/step-up', requireAuthentication(requirement), ok)
    app.use(router.routes())
    return app.callback()
  }, requireAuthentication)
}
