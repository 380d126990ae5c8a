// Compile-only checks of @hivegate/koa: `ctx.state.auth` is typed by module augmentation, options are checked.
import Koa from 'koa'
import Router from '@koa/router'
import type { AuthContext } from '@hivegate/core'
import { hivegate, requireDataProvider, requirePermission, type HivegateOptions } from '@hivegate/koa'

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

const app = new Koa()
app.use(hivegate({ issuer: 'platform.example', keys: { secrets: { 'kid-1': 'a'.repeat(32) } }, errorMode: 'throw' }))
app.use((ctx) => {
  const exact: Equals<typeof ctx.state.auth, AuthContext | undefined> = true
  ctx.body = { exact, subject: ctx.state.auth?.subject }
})

const router = new Router()
router.get(
  '/realms/:realm/objects/:id',
  requirePermission((ctx) => ctx.params.realm, (ctx) => ctx.params.id, 'R'),
  requireDataProvider('london', (ctx) => ctx.params.id),
  (ctx) => {
    const exact: Equals<typeof ctx.state.auth, AuthContext | undefined> = true
    ctx.body = { exact }
  },
)
router.get('/me', (ctx) => {
  // @ts-expect-error: auth may be undefined, so it must be checked before use
  ctx.body = ctx.state.auth.claims
})
app.use(router.routes())

const options: HivegateOptions = { issuer: 'platform.example' }
// @ts-expect-error: Koa's error mode is 'respond' or 'throw'
hivegate({ ...options, errorMode: 'next' })
// @ts-expect-error: preflight is 'authenticate' or 'pass'
hivegate({ ...options, preflight: true })
// @ts-expect-error: optional is a boolean
hivegate({ ...options, optional: 'yes' })
// @ts-expect-error: a guard argument is a string or a function of the context returning one
requirePermission('london', 42, 'R')

// Step-up: requireAuthentication takes acr values and a max age.
import { requireAuthentication as requireAuthenticationKoa } from '@hivegate/koa'
requireAuthenticationKoa({ maxAge: 300 })
// @ts-expect-error: maxAge is seconds or a duration string
requireAuthenticationKoa({ maxAge: true })
