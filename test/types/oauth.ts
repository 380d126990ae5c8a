// Compile-only checks of @hivegate/oauth: login options, the flow's mounts, and the closed error-code union.
import express from 'express'
import Koa from 'koa'
import { hivempLogin, oidcLogin, validateRedirectUri, LoginError, type HivempLoginOptions, type LoginErrorCode, type LoginFlow, type OidcLoginOptions } from '@hivegate/oauth'

const session = { secret: 'a'.repeat(32), kid: 'web', issuer: 'game.example', ttl: '1h' }
const hivemp: HivempLoginOptions = {
  clientId: 'public-key', projectId: 'project-1', websiteUrl: 'https://game.example/',
  redirectUri: 'https://game.example/auth/callback', session, requestedRole: 'player', showLegacyLoginLink: false,
}
const login: LoginFlow = hivempLogin(hivemp)
hivempLogin({ ...hivemp, insecureFixedCallback: true })
express().use(login.express())
new Koa().use(login.koa())
const paths: { login: string; callback: string; logout: string } = login.paths
void paths

const oidc: OidcLoginOptions = {
  issuer: 'https://idp.example', clientId: 'web', clientSecret: 's', redirectUri: 'https://app.example/auth/callback',
  mapClaims: (idToken) => ({ sub: String(idToken.sub), tnd: 'acme' }), session,
}
oidcLogin(oidc)
oidcLogin({ ...oidc, mapClaims: undefined, tenant: 'acme', clientAuthMethod: 'none' })

const check = validateRedirectUri('https://game.example/auth/callback', 'https://game.example/', { allowHttpLocalhost: false })
if (!check.ok) void check.reason

const code: LoginErrorCode = new LoginError('csrf_mismatch').code
void code
// @ts-expect-error: login error codes are a closed union
const wrong: LoginErrorCode = 'no_such_code'
void wrong

// @ts-expect-error: session options are required
hivempLogin({ ...hivemp, session: undefined })
// @ts-expect-error: redirectUri is required
hivempLogin({ clientId: 'k', projectId: 'p', websiteUrl: 'https://game.example/', session })
// @ts-expect-error: insecureFixedCallback is a boolean, not a string
hivempLogin({ ...hivemp, insecureFixedCallback: 'yes' })
// @ts-expect-error: providerTimeout is a number of milliseconds
hivempLogin({ ...hivemp, providerTimeout: '5s' })
// @ts-expect-error: clientAuthMethod is one of the names oauth4webapi supports
oidcLogin({ ...oidc, clientAuthMethod: 'private_key_jwt' })
// @ts-expect-error: ttl is seconds or a duration string, not a Date
hivempLogin({ ...hivemp, session: { ...session, ttl: new Date() } })
