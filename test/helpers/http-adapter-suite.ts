// One conformance suite for every HTTP framework adapter (Express 4/5, Koa 2/3): the same
// requests must get the same answers whatever host runs the middleware.
import { expect } from 'chai'
import request from 'supertest'
import { createManualClock, createVerifier, type ManualClock } from '@hivegate/core'
import { secret } from './keys.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from './tokens.js'

/** What supertest accepts: an Express app or a Koa `app.callback()`. */
export type TestableApp = Parameters<typeof request>[0]

/**
 * Builds an app for the suite. It must mount, in this order:
 * - `GET /unguarded/realms/:realm/objects/:id`: `requirePermission(realm, id, 'R')` with no `hivegate()` before it;
 * - `hivegate(options)` for everything else;
 * - `ALL /whoami`: 200 `{ source, subject, tenant }` of the auth context, or `{ anonymous: true }`;
 * - `OPTIONS /whoami`: 204 (reached only by a preflight let through);
 * - `GET /realms/:realm/objects/:id`: `requirePermission((r) => realm param, (r) => id param, 'R')`;
 * - `POST /realms/:realm/objects/:id`: the same with `'CU'`;
 * - `DELETE /realms/london/objects/:id`: `requirePermission('london', (r) => id param, 'D')`;
 * - `GET /providers/:realm/:id`: `requireDataProvider((r) => realm param, (r) => id param)`;
 * - `GET /missing-param/:id`: `requirePermission((r) => realm param, (r) => id param, 'R')` (no `:realm` in the path);
 * - `GET /broken-guard`: `requirePermission(() => { throw new Error('guard bug') }, 'x', 'R')`; the
 *   app's error handling answers 500 without detail (Express: an error handler; Koa: its default, `silent`);
 * - `ALL /nested/whoami`: a router that runs `hivegate(options)` a second time, then `/whoami`'s handler;
 * - `GET /overwritten/realms/:realm/objects/:id`: a middleware replaces `req.auth` (Koa: the whole
 *   `ctx.state`) with a forged context whose `can()` and `providesData()` grant everything, then
 *   `requirePermission((r) => realm param, (r) => id param, 'R')`;
 * each guarded route answers 200 `{ ok: true }`. With `host.trustProxy`, the framework trusts
 * `X-Forwarded-*` from the peer (Express `trust proxy`, Koa `app.proxy`).
 */
export type AppFactory = (options: Record<string, unknown>, host?: HostSettings) => TestableApp

/** Framework settings an app of the suite is built with. */
export interface HostSettings {
  trustProxy?: boolean
}

/** How the framework itself reads its request, where frameworks differ. */
export interface HostTraits {
  /**
   * Which entry of a multi-valued `X-Forwarded-Host` a trusted proxy's request host is: the first
   * (Express `req.host`, Koa `ctx.host`; default) or the last (Fastify `request.host`).
   */
  forwardedHostEntry?: 'first' | 'last'
}

/** A context that grants everything: what a middleware replacing `req.auth` could forge. */
export const FORGED_AUTH = Object.freeze({
  token: 'forged',
  source: 'bearer',
  claims: {},
  subject: 'mallory',
  tenant: 'tenant-1',
  can: () => true,
  providesData: () => true,
})

export const SUITE_NOW = Date.parse('2030-01-01T00:00:00Z')
const nowSeconds = SUITE_NOW / 1000

/** Keys, clock and token factory shared by one run of the suite. */
export interface SuiteFixture {
  readonly secret: Buffer
  clock: ManualClock
  /** Options for `hivegate()`: issuer, audience, the HMAC secret under kid-1, the manual clock. */
  options(extra?: Record<string, unknown>): Record<string, unknown>
  /** A valid token signed with the suite's secret; claims overridable. */
  token(claims?: Record<string, unknown>): Promise<string>
}

export function suiteFixture(): SuiteFixture {
  const fixture: SuiteFixture = {
    secret: secret(),
    clock: createManualClock(SUITE_NOW),
    options(extra = {}) {
      return {
        issuer: TEST_ISSUER,
        audience: TEST_AUDIENCE,
        keys: { secrets: { 'kid-1': fixture.secret } },
        clock: fixture.clock,
        realm: 'api',
        ...extra,
      }
    },
    token(claims = {}) {
      return mint({ key: fixture.secret, now: nowSeconds, claims })
    },
  }
  return fixture
}

/** Asserts an RFC 6750 refusal: status, `WWW-Authenticate`, and the JSON body's code. */
export function expectRefusal(res: request.Response, status: number, code: string, rfc6750?: string): void {
  expect(res.status, JSON.stringify(res.body)).to.equal(status)
  expect(res.headers['content-type']).to.match(/^application\/json/)
  expect(res.headers['cache-control']).to.equal('no-store')
  expect(res.body.error).to.equal(code)
  expect(res.body.error_description).to.be.a('string').and.not.equal('')
  expect(Object.keys(res.body)).to.have.members(['error', 'error_description'])
  if (status === 401 || status === 400 || (status === 403 && rfc6750 !== undefined)) {
    const challenge = res.headers['www-authenticate']
    expect(challenge).to.match(/^Bearer realm="api"/)
    if (rfc6750 === undefined) expect(challenge).not.to.include('error=')
    else expect(challenge).to.include(`error="${rfc6750}"`)
  }
}

/** The shared matrix: sources, error codes, optional mode, guards, CSRF and preflight. */
export function describeHttpAdapter(name: string, createApp: AppFactory, traits: HostTraits = {}): void {
  describe(`${name}: adapter conformance`, () => {
    let f: SuiteFixture
    beforeEach(() => {
      f = suiteFixture()
    })
    const app = (extra?: Record<string, unknown>, host?: HostSettings) => createApp(f.options(extra), host)

    describe('token sources', () => {
      it('reads the token from the hg_token cookie', async () => {
        const res = await request(app()).get('/whoami').set('Cookie', `hg_token=${await f.token()}`)
        expect(res.status).to.equal(200)
        expect(res.body).to.deep.equal({ source: 'cookie', subject: 'johndoe', tenant: 'tenant-1' })
      })

      it('reads the token from an Authorization: Bearer header', async () => {
        const res = await request(app()).get('/whoami').set('Authorization', `Bearer ${await f.token()}`)
        expect(res.status).to.equal(200)
        expect(res.body.source).to.equal('bearer')
      })

      it('lets the cookie decide when both carry a token, by default', async () => {
        const res = await request(app())
          .get('/whoami')
          .set('Cookie', `hg_token=${await f.token({ sub: 'from-cookie' })}`)
          .set('Authorization', `Bearer ${await f.token({ sub: 'from-header' })}`)
        expect(res.body).to.include({ source: 'cookie', subject: 'from-cookie' })
      })

      it('never falls through: a bad cookie fails even with a good Bearer token', async () => {
        const res = await request(app())
          .get('/whoami')
          .set('Cookie', 'hg_token=not-a-token')
          .set('Authorization', `Bearer ${await f.token()}`)
        expectRefusal(res, 400, 'invalid_request', 'invalid_request')
        const forged = await request(app())
          .get('/whoami')
          .set('Cookie', `hg_token=${await mint({ key: secret(), now: nowSeconds })}`)
          .set('Authorization', `Bearer ${await f.token()}`)
        expectRefusal(forged, 401, 'invalid_token', 'invalid_token')
      })

      it('follows a configured source order', async () => {
        const res = await request(app({ sources: ['bearer', 'cookie'] }))
          .get('/whoami')
          .set('Cookie', `hg_token=${await f.token({ sub: 'from-cookie' })}`)
          .set('Authorization', `Bearer ${await f.token({ sub: 'from-header' })}`)
        expect(res.body).to.include({ source: 'bearer', subject: 'from-header' })
      })

      it('reads a configured cookie name and ignores the default one', async () => {
        const token = await f.token()
        const configured = app({ cookieName: 'session' })
        const ok = await request(configured).get('/whoami').set('Cookie', `other=1; session=${token}`)
        expect(ok.body.source).to.equal('cookie')
        const ignored = await request(configured).get('/whoami').set('Cookie', `hg_token=${token}`)
        expectRefusal(ignored, 401, 'credentials_required')
      })

      it('reads the query parameter only when the query source is opted in', async () => {
        const token = await f.token()
        const res = await request(app({ sources: ['query'], queryParameter: 'access_token' })).get(`/whoami?a=1&access_token=${token}`)
        expect(res.body.source).to.equal('query')
        expectRefusal(await request(app()).get(`/whoami?token=${token}`), 401, 'credentials_required')
      })

      it('accepts a custom source in the configured position', async () => {
        const apiKey = {
          name: 'apiKey',
          read: (view: { headers: Record<string, unknown> }) => {
            const value = view.headers['x-api-key']
            return typeof value === 'string' ? { kind: 'token', token: value } : { kind: 'none' }
          },
        }
        const res = await request(app({ sources: [apiKey, 'bearer'] }))
          .get('/whoami')
          .set('X-Api-Key', await f.token())
        expect(res.body.source).to.equal('apiKey')
      })
    })

    describe('error codes', () => {
      it('401 credentials_required, a challenge without an error code, when nothing is carried', async () => {
        expectRefusal(await request(app()).get('/whoami'), 401, 'credentials_required')
      })

      it('401 invalid_token for a bad signature', async () => {
        const forged = await mint({ key: secret(), now: nowSeconds })
        const res = await request(app()).get('/whoami').set('Authorization', `Bearer ${forged}`)
        expectRefusal(res, 401, 'invalid_token', 'invalid_token')
      })

      it('401 invalid_token for a wrong issuer or audience', async () => {
        for (const claims of [{ iss: 'elsewhere' }, { aud: 'someone-else' }]) {
          const res = await request(app()).get('/whoami').set('Authorization', `Bearer ${await f.token(claims)}`)
          expectRefusal(res, 401, 'invalid_token', 'invalid_token')
        }
      })

      it('401 token_expired once the clock passes exp', async () => {
        const token = await f.token()
        const server = app()
        expect((await request(server).get('/whoami').set('Authorization', `Bearer ${token}`)).status).to.equal(200)
        f.clock.advance(2 * 3600_000)
        const res = await request(server).get('/whoami').set('Authorization', `Bearer ${token}`)
        expectRefusal(res, 401, 'token_expired', 'invalid_token')
      })

      it('401 token_revoked for a revoked jti, even when the token is cached', async () => {
        const verifier = createVerifier(f.options() as never)
        const server = createApp({ verifier, realm: 'api' })
        const token = await f.token({ jti: 'static-key-7' })
        expect((await request(server).get('/whoami').set('Authorization', `Bearer ${token}`)).status).to.equal(200)
        verifier.revocations.revoke('static-key-7')
        const res = await request(server).get('/whoami').set('Authorization', `Bearer ${token}`)
        expectRefusal(res, 401, 'token_revoked', 'invalid_token')
      })

      it('400 invalid_request for a malformed Authorization header', async () => {
        const res = await request(app()).get('/whoami').set('Authorization', 'Bearer')
        expectRefusal(res, 400, 'invalid_request', 'invalid_request')
      })

      it('400 invalid_request for two Authorization lines', async () => {
        const token = await f.token()
        const res = await request(app())
          .get('/whoami')
          // An array goes out as two header lines; Node keeps only the first in req.headers.
          .set('Authorization', [`Bearer ${token}`, `Bearer ${token}`] as unknown as string)
        expectRefusal(res, 400, 'invalid_request', 'invalid_request')
        expect((await request(app()).get('/whoami').set('Authorization', `Bearer ${token}`)).status).to.equal(200)
      })

      it('503 keys_unavailable when the key lookup cannot answer', async () => {
        const res = await request(
          app({
            keys: {
              lookup: () => {
                throw new Error('key service down')
              },
            },
          }),
        )
          .get('/whoami')
          .set('Authorization', `Bearer ${await f.token()}`)
        expectRefusal(res, 503, 'keys_unavailable')
        expect(res.headers['www-authenticate']).to.equal(undefined)
        expect(JSON.stringify(res.body)).not.to.include('key service down')
      })

      it('401 invalid_token for a malformed per claim', async () => {
        const res = await request(app()).get('/whoami').set('Authorization', `Bearer ${await f.token({ per: 'all' })}`)
        expectRefusal(res, 401, 'invalid_token', 'invalid_token')
      })
    })

    describe('optional mode', () => {
      it('lets a request without credentials through with no auth context', async () => {
        const res = await request(app({ optional: true })).get('/whoami')
        expect(res.status).to.equal(200)
        expect(res.body).to.deep.equal({ anonymous: true })
      })

      it('still authenticates a request that carries a token', async () => {
        const res = await request(app({ optional: true })).get('/whoami').set('Cookie', `hg_token=${await f.token()}`)
        expect(res.body.source).to.equal('cookie')
      })

      it('still refuses bad credentials', async () => {
        const res = await request(app({ optional: true })).get('/whoami').set('Authorization', 'Bearer x.y.z')
        expectRefusal(res, 401, 'invalid_token', 'invalid_token')
      })

      it('lets a guard answer 401 credentials_required to an anonymous request', async () => {
        const res = await request(app({ optional: true })).get('/realms/london/objects/deliveryRiders%2Fbob')
        expectRefusal(res, 401, 'credentials_required')
      })
    })

    describe('permission guards', () => {
      const bearer = async (claims?: Record<string, unknown>) => `Bearer ${await f.token(claims)}`

      it('requirePermission passes on a wildcard pattern match', async () => {
        const res = await request(app()).get('/realms/london/objects/deliveryRiders%2Fbob').set('Authorization', await bearer())
        expect(res.status).to.equal(200)
        expect(res.body).to.deep.equal({ ok: true })
      })

      it('requirePermission needs every letter of the action', async () => {
        const server = app()
        const auth = await bearer()
        const granted = await request(server).post('/realms/london/objects/deliveryRides%2Fjohndoe-123').set('Authorization', auth)
        expect(granted.status).to.equal(200)
        const partial = await request(server)
          .post('/realms/london/objects/deliveryRides%2Fjohndoe-123')
          .set('Authorization', await bearer({ per: { london: { 'deliveryRides/*': 'C' } } }))
        expectRefusal(partial, 403, 'insufficient_permission', 'insufficient_scope')
      })

      it('requirePermission answers 403 insufficient_permission on no match', async () => {
        const auth = await bearer()
        for (const path of ['/realms/paris/objects/deliveryRiders%2Fbob', '/realms/london/objects/invoices%2F1']) {
          expectRefusal(await request(app()).get(path).set('Authorization', auth), 403, 'insufficient_permission', 'insufficient_scope')
        }
        const del = await request(app()).delete('/realms/london/objects/deliveryRides%2Fjohndoe-123').set('Authorization', auth)
        expectRefusal(del, 403, 'insufficient_permission', 'insufficient_scope')
      })

      it('requirePermission with fixed strings', async () => {
        const res = await request(app())
          .delete('/realms/london/objects/x')
          .set('Authorization', await bearer({ per: { london: { '*': 'D' } } }))
        expect(res.status).to.equal(200)
      })

      it('requirePermission refuses a token without per', async () => {
        const res = await request(app()).get('/realms/london/objects/a').set('Authorization', await bearer({ per: undefined }))
        expectRefusal(res, 403, 'insufficient_permission', 'insufficient_scope')
      })

      it('requireDataProvider passes when dpv lists the object, 403 otherwise', async () => {
        const auth = await bearer()
        const ok = await request(app()).get('/providers/london/deliveryRides%2Fjohndoe-123').set('Authorization', auth)
        expect(ok.status).to.equal(200)
        const no = await request(app()).get('/providers/london/deliveryRides%2Fother').set('Authorization', auth)
        expectRefusal(no, 403, 'insufficient_permission', 'insufficient_scope')
      })

      it('a malformed per or dpv claim is refused with 401 invalid_token before any guard runs', async () => {
        const malformed = [{ per: { london: { 'deliveryRiders/*': 'X' } } }, { per: { london: ['deliveryRiders/*'] } }, { dpv: { london: 'deliveryRides/*' } }]
        for (const claims of malformed) {
          const auth = await bearer(claims)
          expectRefusal(await request(app()).get('/realms/london/objects/deliveryRiders%2Fbob').set('Authorization', auth), 401, 'invalid_token', 'invalid_token')
          expectRefusal(await request(app()).get('/providers/london/deliveryRides%2Fjohndoe-123').set('Authorization', auth), 401, 'invalid_token', 'invalid_token')
        }
      })

      it('a guard where hivegate() did not run answers 401, never 500', async () => {
        const res = await request(app()).get('/unguarded/realms/london/objects/a').set('Authorization', await bearer())
        expect(res.status).to.equal(401)
        expect(res.body.error).to.equal('credentials_required')
      })
    })

    describe('cross-site request forgery', () => {
      it('refuses a cross-origin POST authenticated by cookie with 403 origin_not_allowed', async () => {
        const res = await request(app())
          .post('/whoami')
          .set('Host', 'api.example')
          .set('Origin', 'https://evil.example')
          .set('Cookie', `hg_token=${await f.token()}`)
        expectRefusal(res, 403, 'origin_not_allowed')
      })

      it('refuses a cross-origin DELETE whose Referer names another site', async () => {
        const res = await request(app())
          .delete('/whoami')
          .set('Host', 'api.example')
          .set('Referer', 'https://evil.example/page')
          .set('Cookie', `hg_token=${await f.token()}`)
        expectRefusal(res, 403, 'origin_not_allowed')
      })

      it('lets a same-origin POST with the cookie through', async () => {
        const res = await request(app())
          .post('/whoami')
          .set('Host', 'api.example')
          .set('Origin', 'http://api.example')
          .set('Cookie', `hg_token=${await f.token()}`)
        expect(res.status).to.equal(200)
        expect(res.body.source).to.equal('cookie')
      })

      it('refuses a cookie-authenticated POST that names no origin at all', async () => {
        const res = await request(app()).post('/whoami').set('Host', 'api.example').set('Cookie', `hg_token=${await f.token()}`)
        expectRefusal(res, 403, 'origin_not_allowed')
      })

      it('lets an allowed origin through', async () => {
        const res = await request(app({ allowedOrigins: ['https://app.example'] }))
          .put('/whoami')
          .set('Host', 'api.example')
          .set('Origin', 'https://app.example')
          .set('Cookie', `hg_token=${await f.token()}`)
        expect(res.status).to.equal(200)
      })

      it('does not check safe methods', async () => {
        const res = await request(app())
          .get('/whoami')
          .set('Host', 'api.example')
          .set('Origin', 'https://evil.example')
          .set('Cookie', `hg_token=${await f.token()}`)
        expect(res.status).to.equal(200)
      })

      it('lets a cross-origin POST authenticated by Bearer through', async () => {
        const res = await request(app())
          .post('/whoami')
          .set('Host', 'api.example')
          .set('Origin', 'https://evil.example')
          .set('Authorization', `Bearer ${await f.token()}`)
        expect(res.status).to.equal(200)
        expect(res.body.source).to.equal('bearer')
      })
    })

    describe('cross-site request forgery: bypass attempts', () => {
      const cookiePost = async (server: TestableApp, headers: Record<string, string | string[]>, path = '/whoami', method: 'post' | 'put' | 'patch' | 'delete' = 'post') => {
        let req = request(server)[method](path).set('Host', 'api.example').set('Cookie', `hg_token=${await f.token()}`)
        for (const [name, value] of Object.entries(headers)) req = req.set(name, value as string)
        return req
      }

      it('refuses Origin values that only look like the host', async () => {
        const origins = [
          'null',
          'http://api.example.evil.example',
          'http://api.example@evil.example',
          'http://evil.example#@api.example',
          'http://api.example.',
          'http://api.example:8080',
          'file://api.example',
          'api.example',
          '*',
          '',
        ]
        for (const origin of origins) expectRefusal(await cookiePost(app(), { Origin: origin }), 403, 'origin_not_allowed')
        // Two Origin lines reach the app joined by ', ': never a single origin.
        expectRefusal(await cookiePost(app(), { Origin: ['http://api.example', 'http://evil.example'] }), 403, 'origin_not_allowed')
      })

      it('refuses a Referer, without Origin, that names another site in any form', async () => {
        const referers = ['https://api.example@evil.example/', 'https://evil.example/?https://api.example/', '//api.example/', 'api.example/page', 'null']
        for (const referer of referers) expectRefusal(await cookiePost(app(), { Referer: referer }), 403, 'origin_not_allowed')
        expect((await cookiePost(app(), { Referer: 'http://api.example/page' })).status).to.equal(200)
      })

      it('compares the port: Host with a port against Origin without one, and the reverse', async () => {
        expectRefusal(await cookiePost(app(), { Host: 'api.example:8443', Origin: 'https://api.example' }), 403, 'origin_not_allowed')
        expectRefusal(await cookiePost(app(), { Origin: 'http://api.example:3000' }), 403, 'origin_not_allowed')
        expect((await cookiePost(app(), { Host: 'api.example:3000', Origin: 'http://api.example:3000' })).status).to.equal(200)
      })

      it('optional mode does not turn a refused cross-site cookie POST into an anonymous one', async () => {
        expectRefusal(await cookiePost(app({ optional: true }), { Origin: 'https://evil.example' }), 403, 'origin_not_allowed')
      })

      it('honours no method override: X-HTTP-Method-Override or _method cannot make a POST safe', async () => {
        const evil = { Origin: 'https://evil.example' }
        expectRefusal(await cookiePost(app(), { ...evil, 'X-HTTP-Method-Override': 'GET' }), 403, 'origin_not_allowed')
        expectRefusal(await cookiePost(app(), { ...evil, 'X-Method-Override': 'GET' }), 403, 'origin_not_allowed')
        expectRefusal(await cookiePost(app(), evil, '/whoami?_method=GET'), 403, 'origin_not_allowed')
      })

      it('checks every method but GET, HEAD and OPTIONS, WebDAV and TRACE included', async () => {
        const token = await f.token()
        for (const method of ['patch', 'trace', 'propfind', 'proppatch', 'mkcol', 'copy', 'move', 'lock', 'unlock', 'search', 'purge'] as const) {
          const res = await request(app())[method]('/whoami').set('Host', 'api.example').set('Origin', 'https://evil.example').set('Cookie', `hg_token=${token}`)
          expectRefusal(res, 403, 'origin_not_allowed')
        }
      })

      it('ignores X-Forwarded-Host unless the app trusts its proxy', async () => {
        const forwarded = { Host: 'internal:3000', 'X-Forwarded-Host': 'api.example', 'X-Forwarded-Proto': 'https', Origin: 'https://api.example' }
        expectRefusal(await cookiePost(app(), forwarded), 403, 'origin_not_allowed')
        const spoofed = { 'X-Forwarded-Host': 'evil.example', Origin: 'https://evil.example' }
        expectRefusal(await cookiePost(app(), spoofed), 403, 'origin_not_allowed')
      })

      it('behind a trusted proxy, compares against the host the client asked the proxy for', async () => {
        const server = app({}, { trustProxy: true })
        const hosts = traits.forwardedHostEntry === 'last' ? 'internal:3000, api.example' : 'api.example, internal:3000'
        const forwarded = { Host: 'internal:3000', 'X-Forwarded-Host': hosts, 'X-Forwarded-Proto': 'https' }
        expect((await cookiePost(server, { ...forwarded, Origin: 'https://api.example' })).status).to.equal(200)
        expectRefusal(await cookiePost(server, { ...forwarded, Origin: 'https://evil.example' }), 403, 'origin_not_allowed')
        expectRefusal(await cookiePost(server, { ...forwarded, Origin: 'https://internal:3000' }), 403, 'origin_not_allowed')
      })

      it('behind a trusted proxy that says https, refuses an http: Origin of the same host', async () => {
        const server = app({}, { trustProxy: true })
        const forwarded = { Host: 'internal:3000', 'X-Forwarded-Host': 'api.example', 'X-Forwarded-Proto': 'https' }
        expectRefusal(await cookiePost(server, { ...forwarded, Origin: 'http://api.example' }), 403, 'origin_not_allowed')
        expectRefusal(await cookiePost(server, { ...forwarded, Referer: 'http://api.example/form' }), 403, 'origin_not_allowed')
        expect((await cookiePost(server, { ...forwarded, Origin: 'https://api.example' })).status).to.equal(200)
        const plain = { ...forwarded, 'X-Forwarded-Proto': 'http' }
        expect((await cookiePost(server, { ...plain, Origin: 'http://api.example' })).status).to.equal(200)
      })

      it('reads X-Forwarded-Proto only from a trusted proxy: over plain http an http: Origin passes as before', async () => {
        const spoofed = { 'X-Forwarded-Proto': 'https', Origin: 'http://api.example' }
        expect((await cookiePost(app(), spoofed)).status).to.equal(200)
        expect((await cookiePost(app(), { Origin: 'https://api.example' })).status).to.equal(200)
      })
    })

    describe('guards against a hostile app state', () => {
      const bearer = async (claims?: Record<string, unknown>) => `Bearer ${await f.token(claims)}`

      it('a guard argument reading a parameter the route lacks refuses, never matches a pattern', async () => {
        const all = { per: { london: { '*': 'CRUD' }, undefined: { '*': 'CRUD' } } }
        expectRefusal(await request(app()).get('/missing-param/x').set('Authorization', await bearer(all)), 403, 'insufficient_permission', 'insufficient_scope')
        expectRefusal(await request(app({ optional: true })).get('/missing-param/x'), 401, 'credentials_required')
      })

      it('an argument function that throws is the app’s bug: its error handling answers 500, nothing echoed', async () => {
        const token = await f.token()
        const res = await request(app()).get('/broken-guard').set('Authorization', `Bearer ${token}`)
        expect(res.status).to.equal(500)
        expect(res.text).not.to.include('guard bug')
        expect(res.text).not.to.include(token.split('.')[1])
      })

      it('guards check what hivegate() verified, not a context a later middleware put in its place', async () => {
        const denied = await request(app()).get('/overwritten/realms/paris/objects/x').set('Authorization', await bearer())
        expectRefusal(denied, 403, 'insufficient_permission', 'insufficient_scope')
        expectRefusal(await request(app({ optional: true })).get('/overwritten/realms/paris/objects/x'), 401, 'credentials_required')
        const granted = await request(app()).get('/overwritten/realms/london/objects/deliveryRiders%2Fbob').set('Authorization', await bearer())
        expect(granted.status).to.equal(200)
      })

      it('hivegate() twice on one request (app and router) answers once', async () => {
        const ok = await request(app()).get('/nested/whoami').set('Authorization', await bearer())
        expect(ok.status).to.equal(200)
        expect(ok.body.source).to.equal('bearer')
        expectRefusal(await request(app()).get('/nested/whoami'), 401, 'credentials_required')
        expectRefusal(await request(app()).post('/nested/whoami').set('Origin', 'https://evil.example').set('Cookie', `hg_token=${await f.token()}`), 403, 'origin_not_allowed')
      })
    })

    describe('refusal format', () => {
      it('quotes the realm as an RFC 7235 quoted-string, whatever it contains', async () => {
        for (const realm of ['my "api"', 'back\\slash', 'line\r\nSet-Cookie: a=b', 'ünïcode']) {
          const res = await request(app({ realm })).get('/whoami').set('Authorization', 'Bearer x.y.z')
          expect(res.status).to.equal(401)
          const challenge = String(res.headers['www-authenticate'])
          // auth-scheme 1*SP auth-param *( "," auth-param ), each value a token or a quoted-string
          expect(challenge, realm).to.match(/^Bearer [a-z_]+="(?:[\t\x20\x21\x23-\x5b\x5d-\x7e]|\\[\t\x20-\x7e])*"(?:, [a-z_]+="(?:[\t\x20\x21\x23-\x5b\x5d-\x7e]|\\[\t\x20-\x7e])*")*$/)
          expect(res.headers['set-cookie']).to.equal(undefined)
        }
      })

      it('answers HEAD with the headers of the refusal and no body', async () => {
        const res = await request(app()).head('/whoami')
        expect(res.status).to.equal(401)
        expect(res.headers['www-authenticate']).to.equal('Bearer realm="api"')
        expect(res.headers['cache-control']).to.equal('no-store')
        expect(res.headers['content-type']).to.match(/^application\/json/)
        expect(res.text ?? '').to.equal('')
      })
    })

    describe('CORS preflight', () => {
      const preflight = (server: TestableApp) =>
        request(server)
          .options('/whoami')
          .set('Origin', 'https://app.example')
          .set('Access-Control-Request-Method', 'POST')

      it("passes untouched with preflight: 'pass'", async () => {
        const res = await preflight(app({ preflight: 'pass' }))
        expect(res.status).to.equal(204)
        expect(res.headers['www-authenticate']).to.equal(undefined)
      })

      it('needs credentials by default', async () => {
        expectRefusal(await preflight(app()), 401, 'credentials_required')
      })

      it("authenticates an OPTIONS request that is not a preflight, even with preflight: 'pass'", async () => {
        const res = await request(app({ preflight: 'pass' })).options('/whoami').set('Origin', 'https://app.example')
        expectRefusal(res, 401, 'credentials_required')
      })
    })
  })
}
