// A Koa API behind hivegate: run `node examples/koa`, then paste the printed curl lines.
import Koa from 'koa'
import Router from '@koa/router'
import { hivegate, requireDataProvider, requirePermission } from '@hivegate/koa'
import { DEMO, demoToken, isMain, printUsage } from '../api-demo.js'

export { DEMO, demoToken }

/**
 * The example app: `GET /health` is open; everything under `/api` needs a token.
 * @param {{ secret?: string | Uint8Array, clock?: import('@hivegate/core').Clock }} [options]
 */
export function createApp({ secret = DEMO.secret, clock } = {}) {
  const app = new Koa()
  const open = new Router()
  open.get('/health', (ctx) => {
    ctx.body = { ok: true }
  })

  const api = new Router({ prefix: '/api' })
  api.use(
    hivegate({
      issuer: DEMO.issuer,
      audience: DEMO.audience,
      keys: { secrets: { [DEMO.kid]: secret } },
      requiredClaims: ['tnd'],
      realm: DEMO.realm,
      clock,
    }),
  )
  api.get('/me', (ctx) => {
    const { subject, tenant, source } = ctx.state.auth
    ctx.body = { subject, tenant, source }
  })
  // Object ids are `<collection>/<id>`, e.g. deliveryRides/johndoe-123, as in the token's `per`.
  const object = (ctx) => `${ctx.params.collection}/${ctx.params.id}`
  api.get('/realms/:realm/:collection/:id', requirePermission((ctx) => ctx.params.realm, object, 'R'), (ctx) => {
    ctx.body = { realm: ctx.params.realm, object: object(ctx), read: true }
  })
  api.put('/realms/:realm/:collection/:id', requirePermission((ctx) => ctx.params.realm, object, 'U'), (ctx) => {
    ctx.body = { realm: ctx.params.realm, object: object(ctx), updated: true }
  })
  api.post('/providers/:realm/:collection/:id', requireDataProvider((ctx) => ctx.params.realm, object), (ctx) => {
    ctx.body = { realm: ctx.params.realm, object: object(ctx), provided: true }
  })

  app.use(open.routes())
  app.use(api.routes())
  return app
}

if (isMain(import.meta.url)) {
  const secret = process.env.HIVEGATE_SECRET ?? DEMO.secret
  const server = createApp({ secret }).listen(Number(process.env.PORT ?? 3001), '127.0.0.1', () => {
    printUsage('Koa', `http://127.0.0.1:${server.address().port}`, demoToken(secret))
  })
}
