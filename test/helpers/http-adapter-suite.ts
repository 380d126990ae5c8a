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
 * each guarded route answers 200 `{ ok: true }`.
 */
export type AppFactory = (options: Record<string, unknown>) => TestableApp

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
export function describeHttpAdapter(name: string, createApp: AppFactory): void {
  describe(`${name}: adapter conformance`, () => {
    let f: SuiteFixture
    beforeEach(() => {
      f = suiteFixture()
    })
    const app = (extra?: Record<string, unknown>) => createApp(f.options(extra))

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
