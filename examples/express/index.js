// An Express API behind hivegate: run `node examples/express`, then paste the printed curl lines.
import express from 'express'
import { hivegate, requireDataProvider, requirePermission } from '@hivegate/express'
import { DEMO, demoToken, isMain, printUsage } from '../api-demo.js'

export { DEMO, demoToken }

/**
 * The example app: `GET /health` is open; everything under `/api` needs a token.
 * @param {{ secret?: string | Uint8Array, clock?: import('@hivegate/core').Clock }} [options]
 */
export function createApp({ secret = DEMO.secret, clock } = {}) {
  const app = express()
  app.get('/health', (_req, res) => res.json({ ok: true }))

  const api = express.Router()
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
  api.get('/me', (req, res) => {
    res.json({ subject: req.auth.subject, tenant: req.auth.tenant, source: req.auth.source })
  })
  // Object ids are `<collection>/<id>`, e.g. deliveryRides/johndoe-123, as in the token's `per`.
  const object = (req) => `${req.params.collection}/${req.params.id}`
  api.get('/realms/:realm/:collection/:id', requirePermission((req) => req.params.realm, object, 'R'), (req, res) => {
    res.json({ realm: req.params.realm, object: object(req), read: true })
  })
  api.put('/realms/:realm/:collection/:id', requirePermission((req) => req.params.realm, object, 'U'), (req, res) => {
    res.json({ realm: req.params.realm, object: object(req), updated: true })
  })
  api.post('/providers/:realm/:collection/:id', requireDataProvider((req) => req.params.realm, object), (req, res) => {
    res.json({ realm: req.params.realm, object: object(req), provided: true })
  })
  app.use('/api', api)
  return app
}

if (isMain(import.meta.url)) {
  const secret = process.env.HIVEGATE_SECRET ?? DEMO.secret
  const server = createApp({ secret }).listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
    printUsage('Express', `http://127.0.0.1:${server.address().port}`, demoToken(secret))
  })
}
