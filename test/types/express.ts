// Compile-only checks of @hivegate/express: `req.auth` is typed by declaration merging, options are checked.
import express from 'express'
import type { AuthContext } from '@hivegate/core'
import { hivegate, requireDataProvider, requirePermission, type HivegateOptions } from '@hivegate/express'

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

const app = express()
app.use(hivegate({ issuer: 'platform.example', keys: { secrets: { 'kid-1': 'a'.repeat(32) } }, errorMode: 'next' }))
app.get(
  '/realms/:realm/objects/:id',
  requirePermission((req) => req.params.realm, (req) => req.params.id, 'R'),
  requireDataProvider('london', (req) => req.params.id),
  (req, res) => {
    const exact: Equals<typeof req.auth, AuthContext | undefined> = true
    const subject: string | undefined = req.auth?.subject
    res.json({ exact, subject })
  },
)
const router = express.Router()
router.use(hivegate({ optional: true, preflight: 'pass', sources: ['bearer', 'cookie'], cookieName: 'session' }))
router.get('/me', (req, res) => {
  // @ts-expect-error: auth may be undefined, so it must be checked before use
  res.json(req.auth.claims)
})

const options: HivegateOptions = { issuer: 'platform.example' }
// @ts-expect-error: Express's error mode is 'respond' or 'next'
hivegate({ ...options, errorMode: 'throw' })
// @ts-expect-error: preflight is 'authenticate' or 'pass'
hivegate({ ...options, preflight: true })
// @ts-expect-error: optional is a boolean
hivegate({ ...options, optional: 'yes' })
// @ts-expect-error: a guard argument is a string or a function of the request returning one
requirePermission('london', 42, 'R')
// @ts-expect-error: requireDataProvider takes a realm and an object
requireDataProvider('london')

// Step-up: requireAuthentication takes acr values and a max age; anything else fails to compile.
import { requireAuthentication as requireAuthenticationExpress } from '@hivegate/express'
requireAuthenticationExpress({ acrValues: ['urn:example:mfa'], maxAge: '5m' })
// @ts-expect-error: acrValues is a list of strings
requireAuthenticationExpress({ acrValues: 'urn:example:mfa' })
