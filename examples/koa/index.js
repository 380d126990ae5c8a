// A Koa API behind hivegate: run `node examples/koa`, then paste the printed curl lines.
import { realpathSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import Koa from 'koa'
import Router from '@koa/router'
import { createSigner } from '@hivegate/core'
import { hivegate, requireDataProvider, requirePermission } from '@hivegate/koa'

/** Demo settings. The secret is public: set HIVEGATE_SECRET (32+ bytes) for anything real. */
export const DEMO = Object.freeze({
  issuer: 'hivegate-demo',
  audience: 'hivegate-demo-api',
  kid: 'demo-1',
  secret: 'demo-secret-for-local-testing-only-0123456789',
})

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
      realm: 'hivegate-demo',
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

/** A token for the demo user: reads riders, updates one ride, provides data for it. */
export function demoToken(secret = DEMO.secret) {
  const signer = createSigner({ kid: DEMO.kid, secret, issuer: DEMO.issuer, audience: DEMO.audience, ttl: '1h' })
  return signer.sign({
    sub: 'johndoe',
    tnd: 'tenant-1',
    per: { london: { 'deliveryRiders/*': 'R', 'deliveryRides/johndoe-123': 'RU' } },
    dpv: { london: ['deliveryRides/johndoe-123'] },
  })
}

/** True when run as `node examples/koa` (the folder) or `node examples/koa/index.js`. */
function isMain() {
  if (!process.argv[1]) return false
  const self = fileURLToPath(import.meta.url)
  try {
    const entry = realpathSync(process.argv[1])
    return entry === self || entry === dirname(self)
  } catch {
    return false
  }
}

if (isMain()) {
  const secret = process.env.HIVEGATE_SECRET ?? DEMO.secret
  const port = Number(process.env.PORT ?? 3001)
  const server = createApp({ secret }).listen(port, '127.0.0.1', () => {
    const base = `http://127.0.0.1:${server.address().port}`
    const token = demoToken(secret)
    console.log(`hivegate Koa example on ${base}

A token for johndoe, valid for an hour:
  TOKEN=${token}

As a cookie:
  curl --cookie "hg_token=$TOKEN" ${base}/api/me
As a Bearer header:
  curl -H "Authorization: Bearer $TOKEN" ${base}/api/realms/london/deliveryRiders/bob
Update a ride it may update (same-origin rules apply to cookies, not to Bearer):
  curl -X PUT -H "Authorization: Bearer $TOKEN" ${base}/api/realms/london/deliveryRides/johndoe-123
Refused, 403 insufficient_permission (no grant on someone else's ride):
  curl -i -X PUT -H "Authorization: Bearer $TOKEN" ${base}/api/realms/london/deliveryRides/other-456
Refused, 403 origin_not_allowed (cross-site POST carried by the cookie):
  curl -i -X POST --cookie "hg_token=$TOKEN" -H "Origin: https://evil.example" ${base}/api/providers/london/deliveryRides/johndoe-123
Refused, 401 credentials_required:
  curl -i ${base}/api/me`)
  })
}
