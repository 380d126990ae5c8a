// A Fastify API behind hivegate: run `node examples/fastify`, then paste the printed curl lines.
import Fastify from 'fastify'
import { hivegate, requireDataProvider, requirePermission } from '@hivegate/fastify'
import { DEMO, demoToken, isMain, printUsage } from '../api-demo.js'

export { DEMO, demoToken }

/**
 * The example app: `GET /health` is open (a public route); everything under `/api` needs a token.
 * @param {{ secret?: string | Uint8Array, clock?: import('@hivegate/core').Clock }} [options]
 */
export function createApp({ secret = DEMO.secret, clock } = {}) {
  const app = Fastify()
  app.get('/health', { config: { hivegate: false } }, async () => ({ ok: true }))

  app.register(
    async (api) => {
      await api.register(hivegate, {
        issuer: DEMO.issuer,
        audience: DEMO.audience,
        keys: { secrets: { [DEMO.kid]: secret } },
        requiredClaims: ['tnd'],
        realm: DEMO.realm,
        clock,
      })
      api.get('/me', async (request) => {
        const { subject, tenant, source } = request.auth
        return { subject, tenant, source }
      })
      // Object ids are `<collection>/<id>`, e.g. deliveryRides/johndoe-123, as in the token's `per`.
      const object = (request) => `${request.params.collection}/${request.params.id}`
      const realm = (request) => request.params.realm
      api.get('/realms/:realm/:collection/:id', { preHandler: requirePermission(realm, object, 'R') }, async (request) => ({
        realm: realm(request),
        object: object(request),
        read: true,
      }))
      api.put('/realms/:realm/:collection/:id', { preHandler: requirePermission(realm, object, 'U') }, async (request) => ({
        realm: realm(request),
        object: object(request),
        updated: true,
      }))
      api.post('/providers/:realm/:collection/:id', { preHandler: requireDataProvider(realm, object) }, async (request) => ({
        realm: realm(request),
        object: object(request),
        provided: true,
      }))
    },
    { prefix: '/api' },
  )
  return app
}

if (isMain(import.meta.url)) {
  const secret = process.env.HIVEGATE_SECRET ?? DEMO.secret
  const app = createApp({ secret })
  await app.listen({ port: Number(process.env.PORT ?? 3002), host: '127.0.0.1' })
  printUsage('Fastify', `http://127.0.0.1:${app.server.address().port}`, demoToken(secret))
}
