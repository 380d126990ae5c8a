// The OAuth suites' shared setup: an Express or Koa app on 127.0.0.1 with a login mounted and a /me
// that answers with the session cookie's claims, in front of the local HiveMP stand-in or OpenID
// provider that examples/oauth runs; and the steps a client takes through each login.
import { expect } from 'chai'
import express from 'express'
import Koa from 'koa'
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http'
import type { Page } from 'playwright-core'
import { createAuthenticator, isAuthError } from '@hivegate/core'
import { hivempLogin, oidcLogin, type HivempLoginOptions, type LoginFlow, type OidcLoginOptions, type SessionOptions } from '@hivegate/oauth'
import { encodeSession, startHivempStandin, type HivempStandin, type StandinOptions, type StandinSession } from '../../examples/oauth/hivemp-standin.js'
import { startOidcProvider, type LocalOidcProvider } from '../../examples/oauth/oidc-provider.js'
import type { Browser } from './cookie-jar.js'
import { secret } from './keys.js'
import { close, listen } from './listen.js'

export { encodeSession, type HivempStandin, type LocalOidcProvider, type StandinOptions, type StandinSession }

/** `iss` and `kid` of the session tokens the kit's apps mint and /me accepts. */
export const SESSION_ISSUER = 'https://app.test'
export const SESSION_KID = 'web-1'
/** The stand-in's project; its website is the app. */
export const HIVEMP_PROJECT = Object.freeze({ id: 'project-42', publicKey: 'public-key-42' })

export type Framework = 'express' | 'koa'

export interface AppOptions {
  /** Default express. */
  framework?: Framework
  /** Express only: the prefix the login is mounted at (`app.use(prefix, login.express())`). */
  mountAt?: string
  /** HTML pages by path, e.g. one to return to after the login. */
  pages?: Record<string, string>
}

export interface LoginApp {
  /** `http://127.0.0.1:PORT` of the app. */
  readonly base: string
  readonly server: Server
  /** The secret session tokens are signed with. */
  readonly key: Buffer
  readonly login: LoginFlow
  /** Every request the app received, as a server log would keep it. */
  readonly requests: Array<{ method: string; url: string; referer: string | undefined }>
  /** Closes the app and its provider. */
  close(): Promise<void>
}

export interface HivempApp extends LoginApp {
  readonly standin: HivempStandin
}

export interface OidcApp extends LoginApp {
  readonly provider: LocalOidcProvider
}

type Extra = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void

// /me (core's authenticator on the session cookie), the favicon, and the test's pages.
function extraRoutes(key: Buffer, pages: Record<string, string>): Map<string, Extra> {
  const authenticator = createAuthenticator({ keys: { secrets: { [SESSION_KID]: key } }, issuer: SESSION_ISSUER })
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void =>
    void res.writeHead(status, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(body))
  const routes = new Map<string, Extra>()
  routes.set('/me', async (req, res) => {
    try {
      const auth = await authenticator.authenticate({ headers: req.headers, url: req.url ?? '/', method: req.method ?? 'GET' })
      json(res, 200, { source: auth?.source, subject: auth?.subject, tenant: auth?.tenant, token: auth?.token, claims: auth?.claims })
    } catch (err) {
      if (!isAuthError(err)) return json(res, 500, { error: 'server_error' })
      json(res, err.status, err.toJSON(), err.headers)
    }
  })
  routes.set('/favicon.ico', (_req, res) => void res.writeHead(204).end())
  for (const [path, html] of Object.entries(pages)) {
    routes.set(path, (_req, res) => void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html))
  }
  return routes
}

function buildApp(options: AppOptions, login: LoginFlow, routes: Map<string, Extra>, requests: LoginApp['requests']): RequestListener {
  const extra = (req: IncomingMessage): Extra | undefined => (req.method === 'GET' ? routes.get(new URL(req.url ?? '/', 'http://x').pathname) : undefined)
  if ((options.framework ?? 'express') === 'express') {
    const app = express()
    app.use((req, _res, next) => void (requests.push({ method: req.method, url: req.originalUrl, referer: req.headers.referer }), next()))
    if (options.mountAt === undefined) app.use(login.express())
    else app.use(options.mountAt, login.express())
    app.use((req, res, next) => {
      const route = extra(req)
      if (route === undefined) return next()
      Promise.resolve(route(req, res)).catch(next)
    })
    return app
  }
  if (options.mountAt !== undefined) throw new TypeError('mountAt is for Express only')
  const app = new Koa()
  app.use(async (ctx, next) => {
    requests.push({ method: ctx.method, url: ctx.originalUrl, referer: ctx.get('referer') || undefined })
    await next()
  })
  app.use(login.koa())
  app.use(async (ctx) => {
    const route = extra(ctx.req)
    if (route === undefined) return
    ctx.respond = false
    await route(ctx.req, ctx.res)
  })
  return app.callback()
}

/** Listens first (the login needs the app's URL), then builds the login and the app. */
async function startApp<P>(
  options: AppOptions,
  start: (base: string, session: SessionOptions) => Promise<{ login: LoginFlow; provider: P; closeProvider(): Promise<void> }>,
): Promise<LoginApp & { provider: P }> {
  let handler: RequestListener = (_req, res) => void res.writeHead(503).end()
  const server = createServer((req, res) => handler(req, res))
  const base = await listen(server)
  const key = secret()
  const started = await start(base, { secret: key, kid: SESSION_KID, issuer: SESSION_ISSUER, ttl: '1h' })
  const requests: LoginApp['requests'] = []
  handler = buildApp(options, started.login, extraRoutes(key, options.pages ?? {}), requests)
  return {
    base,
    server,
    key,
    login: started.login,
    requests,
    provider: started.provider,
    close: async () => {
      await close(server)
      await started.closeProvider()
    },
  }
}

/** The app with the HiveMP login (callback `/auth/callback` unless given) against a fresh stand-in. */
export async function startHivempApp(
  options: AppOptions & { callbackPath?: string; login?: Partial<HivempLoginOptions>; standin?: Partial<StandinOptions> } = {},
): Promise<HivempApp> {
  const app = await startApp(options, async (base, session) => {
    const standin = await startHivempStandin({ ...options.standin, project: { ...HIVEMP_PROJECT, websiteUrl: `${base}/` } })
    const login = hivempLogin({
      clientId: HIVEMP_PROJECT.publicKey,
      projectId: HIVEMP_PROJECT.id,
      websiteUrl: `${base}/`,
      redirectUri: `${base}${options.callbackPath ?? '/auth/callback'}`,
      authorizeUrl: standin.authorizeUrl,
      apiUrl: standin.apiUrl,
      allowHttpLocalhost: true,
      session,
      ...options.login,
    })
    return { login, provider: standin, closeProvider: () => standin.close() }
  })
  return { ...app, standin: app.provider }
}

/** The app with the OIDC login (callback `/auth/oidc/callback` unless given, tenant `acme`) against a fresh oidc-provider. */
export async function startOidcApp(
  options: AppOptions & { callbackPath?: string; login?: Partial<OidcLoginOptions>; claims?: Record<string, Record<string, unknown>>; acrValues?: string[] } = {},
): Promise<OidcApp> {
  return startApp(options, async (base, session) => {
    const redirectUri = `${base}${options.callbackPath ?? '/auth/oidc/callback'}`
    const provider = await startOidcProvider({ redirectUris: [redirectUri], claims: options.claims ?? { alice: { tenant: 'acme', roles: ['rider'] } }, acrValues: options.acrValues })
    const login = oidcLogin({
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      redirectUri,
      scope: 'openid profile',
      allowHttpLocalhost: true,
      tenant: 'acme',
      session,
      ...options.login,
    })
    return { login, provider, closeProvider: () => provider.close() }
  })
}

/** A failure answer: its status, no cookie set, and the JSON error code. */
export async function expectFailure(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).to.equal(status)
  expect(res.headers.getSetCookie()).to.deep.equal([])
  expect(await res.json()).to.include({ error: code })
}

/** The claims of a session token, unverified (the tests check what was minted). */
export function tokenClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>
}

export interface HivempCallbackPage {
  /** The callback page's URL as the provider sent it, without the fragment: where the page posts. */
  url: string
  /** The CSRF value the page would post. */
  csrf: string
  /** The `#session=` data as the provider sent it. */
  sessionData: string
  /** That data decoded. */
  session: StandinSession
  /** The callback page (its body unread). */
  response: Response
}

/** HiveMP: the app's login URL → the stand-in's /oauth → the callback page; what its script would post. */
export async function reachCallbackPage(browser: Browser, loginUrl: string): Promise<HivempCallbackPage> {
  const start = await browser.fetch(loginUrl)
  expect(start.status).to.equal(303)
  const provider = await browser.fetch(start.headers.get('location')!)
  expect(provider.status).to.equal(302)
  const back = new URL(provider.headers.get('location')!)
  const sessionData = decodeURIComponent(/^#session=(.+)$/.exec(back.hash)![1]!)
  const url = `${back.origin}${back.pathname}${back.search}`
  const response = await browser.fetch(back)
  const csrf = /name="csrf" value="([^"]+)"/.exec(await response.clone().text())?.[1]
  if (csrf === undefined) throw new Error(`no CSRF value on the callback page (status ${response.status})`)
  const session = JSON.parse(Buffer.from(sessionData, 'base64').toString('utf8')) as StandinSession
  return { url, csrf, sessionData, session, response }
}

/** HiveMP: the callback page's POST, from the callback's origin unless `headers` says otherwise. */
export function postCallback(browser: Browser, callbackUrl: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  const origin = new URL(callbackUrl).origin
  return browser.fetch(callbackUrl, { method: 'POST', body: new URLSearchParams(fields), headers: { origin, ...headers } })
}

/** OIDC: the provider's login and consent screens as plain forms; the callback URL it sends the browser to. */
export async function signInAtProvider(browser: Browser, authorizeUrl: string, appOrigin: string, account = 'alice', acr?: string): Promise<URL> {
  const toApp = (url: URL): boolean => url.origin === appOrigin
  let step = await browser.follow(authorizeUrl, { until: toApp })
  for (let screen = 0; screen < 4 && !toApp(step.url); screen++) {
    const page = await step.response.text()
    const action = /action="([^"]+)"/.exec(page)?.[1]
    if (action === undefined) throw new Error(`no form on the provider page: ${page.slice(0, 200)}`)
    const form = new URLSearchParams(action.endsWith('/login') ? { login: account, ...(acr === undefined ? {} : { acr }) } : {})
    const posted = await browser.fetch(new URL(action, step.url), { method: 'POST', body: form })
    step = await browser.follow(new URL(posted.headers.get('location')!, step.url), { until: toApp })
  }
  return step.url
}

/** OIDC in Chromium: the provider's screens as a person uses them: type a name, sign in, allow. */
export async function passProviderScreens(page: Page, issuer: string, account: string): Promise<void> {
  await page.waitForURL((url) => url.origin === issuer && url.pathname.startsWith('/interaction/'))
  await page.fill('input[name="login"]', account)
  await page.click('button')
  await page.waitForSelector('text=consent')
  await page.click('button')
}
