// Compile-only checks of @hivegate/fastify: `request.auth` is typed by module augmentation, options are checked.
import Fastify from 'fastify'
import type { AuthContext } from '@hivegate/core'
import { hivegate, requireDataProvider, requirePermission, type HivegateOptions } from '@hivegate/fastify'

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

const app = Fastify()
void app.register(hivegate, { issuer: 'platform.example', keys: { secrets: { 'kid-1': 'a'.repeat(32) } }, errorMode: 'throw' })
app.get('/me', async (request) => {
  const exact: Equals<typeof request.auth, AuthContext | undefined> = true
  return { exact, subject: request.auth?.subject }
})
app.get('/health', { config: { hivegate: false } }, async () => ({ ok: true }))

type Params = { Params: { realm: string; id: string } }
app.get<Params>(
  '/realms/:realm/objects/:id',
  { preHandler: [requirePermission<Params>((r) => r.params.realm, (r) => r.params.id, 'R'), requireDataProvider<Params>('london', (r) => r.params.id)] },
  async (request) => ({ realm: request.params.realm }),
)
app.get('/claims', async (request) => {
  // @ts-expect-error: auth may be undefined, so it must be checked before use
  return request.auth.claims
})

const options: HivegateOptions = { issuer: 'platform.example' }
// @ts-expect-error: Fastify's error mode is 'respond' or 'throw'
void app.register(hivegate, { ...options, errorMode: 'next' })
// @ts-expect-error: preflight is 'authenticate' or 'pass'
void app.register(hivegate, { ...options, preflight: true })
// @ts-expect-error: a route's hivegate config is a boolean
app.get('/x', { config: { hivegate: 'no' } }, async () => ({}))
// @ts-expect-error: a guard argument is a string or a function of the request returning one
requirePermission('london', 42, 'R')
// @ts-expect-error: params are typed by the route generic: no such parameter
requirePermission<Params>((r) => r.params.nope, 'x', 'R')
