// Both logins in one Express app, offline: a local HiveMP stand-in and a local OpenID provider.
// `node examples/oauth` starts everything on 127.0.0.1 and prints the URL to open.
import { createServer } from 'node:http'
import { randomBytes } from 'node:crypto'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import express from 'express'
import { createAuthenticator, isAuthError } from '@hivegate/core'
import { hivempLogin, oidcLogin } from '@hivegate/oauth'
import { startHivempStandin } from './hivemp-standin.js'
import { startOidcProvider } from './oidc-provider.js'

const ISSUER = 'hivegate-example'
const KID = 'example-1'

const HOME = `<!doctype html><meta charset="utf-8"><title>hivegate OAuth example</title>
<h1>hivegate OAuth example</h1>
<ul>
<li><a href="/auth/hivemp/login?returnTo=/me">Sign in with HiveMP</a> (local stand-in)</li>
<li><a href="/auth/oidc/login?returnTo=/me">Sign in with OpenID Connect</a> (local oidc-provider: any name, then Allow)</li>
<li><a href="/me">Who am I?</a> (the hivegate session cookie, verified)</li>
<li><form method="post" action="/auth/hivemp/logout"><button>Sign out</button></form></li>
</ul>`

/**
 * Starts the example: the app, the HiveMP stand-in and the OpenID provider, each on 127.0.0.1.
 * @param {{ port?: number, secret?: Uint8Array }} [options]
 */
export async function createOAuthExample(options = {}) {
  const secret = options.secret ?? randomBytes(32)
  const app = express()
  const server = createServer(app)
  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}`

  const hivemp = await startHivempStandin({ project: { id: 'example-project', publicKey: 'example-public-key', websiteUrl: `${url}/` } })
  const oidc = await startOidcProvider({ redirectUris: [`${url}/auth/oidc/callback`], claims: { alice: { tenant: 'acme' } } })
  const session = { secret, kid: KID, issuer: ISSUER, ttl: '1h' }

  const hivempFlow = hivempLogin({
    clientId: 'example-public-key',
    projectId: 'example-project',
    websiteUrl: `${url}/`,
    redirectUri: `${url}/auth/hivemp/callback`,
    requestedRole: 'player',
    authorizeUrl: hivemp.authorizeUrl,
    apiUrl: hivemp.apiUrl,
    allowHttpLocalhost: true,
    session,
  })
  const oidcFlow = oidcLogin({
    issuer: oidc.issuer,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    redirectUri: `${url}/auth/oidc/callback`,
    scope: 'openid profile',
    allowHttpLocalhost: true,
    mapClaims: (idToken) => ({ sub: idToken.sub, tnd: typeof idToken.tenant === 'string' ? idToken.tenant : 'default' }),
    session,
  })
  const authenticator = createAuthenticator({ keys: { secrets: { [KID]: secret } }, issuer: ISSUER })

  app.use(hivempFlow.express())
  app.use(oidcFlow.express())
  app.get('/', (_req, res) => void res.type('html').send(HOME))
  app.get('/me', async (req, res) => {
    try {
      const auth = await authenticator.authenticate({ headers: req.headers, url: req.originalUrl, method: req.method })
      res.json({ subject: auth?.subject, tenant: auth?.tenant, claims: auth?.claims })
    } catch (err) {
      if (!isAuthError(err)) throw err
      res.status(err.status).set(err.headers).json(err.toJSON())
    }
  })

  return {
    url,
    hivempUrl: hivemp.url,
    issuer: oidc.issuer,
    async close() {
      await new Promise((resolve) => {
        server.close(resolve)
        server.closeAllConnections()
      })
      await hivemp.close()
      await oidc.close()
    },
  }
}

const entry = process.argv[1] === undefined ? undefined : resolve(process.argv[1])
const self = fileURLToPath(import.meta.url)
if (entry === self || entry === dirname(self)) {
  const example = await createOAuthExample({ port: Number(process.env.PORT ?? 0) })
  console.log(`hivegate OAuth example: open ${example.url}/`)
  console.log(`  HiveMP login:  ${example.url}/auth/hivemp/login?returnTo=/me   (stand-in at ${example.hivempUrl})`)
  console.log(`  OpenID login:  ${example.url}/auth/oidc/login?returnTo=/me     (provider at ${example.issuer}; any name, then Allow)`)
  console.log(`  Session:       ${example.url}/me`)
}
