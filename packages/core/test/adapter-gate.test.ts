import { expect } from 'chai'
import { secret } from '../../../test/helpers/keys.js'
import { rejects } from '../../../test/helpers/listen.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/helpers/tokens.js'
import { checkGuard, createAdapterGate, type Refusal } from '../src/adapter-gate.js'
import { createAuthenticator } from '../src/authenticator.js'
import { createManualClock } from '../src/clock.js'
import { AuthError } from '../src/errors.js'
import type { RequestView } from '../src/request-view.js'
import { permissionGuard } from '../src/route-guard.js'

const SECRET = secret()
const NOW = Date.parse('2030-01-01T00:00:00Z')
const options = (extra: Record<string, unknown> = {}) => ({
  issuer: TEST_ISSUER,
  audience: TEST_AUDIENCE,
  keys: { secrets: { 'kid-1': SECRET } },
  clock: createManualClock(NOW),
  realm: 'api',
  ...extra,
})
const bearer = async (): Promise<RequestView> => ({ headers: { authorization: `Bearer ${await mint({ key: SECRET, now: NOW / 1000 })}` }, method: 'GET' })
const readRiders = permissionGuard<object>('london', 'deliveryRiders/bob', 'R')

function respondError(refusal: Refusal | undefined): AuthError {
  expect(refusal?.kind).to.equal('respond')
  return refusal!.error as AuthError
}

describe('createAdapterGate()', () => {
  it('validates errorMode and preflight once, naming the option, with the host’s hand-off value', () => {
    expect(() => createAdapterGate(options({ errorMode: 'throw' }), 'next')).to.throw(TypeError, /"errorMode" must be one of "respond", "next"/)
    expect(() => createAdapterGate(options({ preflight: true }), 'next')).to.throw(TypeError, /"preflight"/)
    expect(() => createAdapterGate(null as never, 'next')).to.throw(TypeError, /"options"/)
    expect(() => createAdapterGate(options({ optional: 'yes' }), 'next')).to.throw(TypeError, /"optional"/)
    expect(createAdapterGate(options({ errorMode: 'throw' }), 'throw').authenticator.realm).to.equal('api')
  })

  it('takes a ready authenticator instead of the flat options, and refuses its options beside it', async () => {
    const authenticator = createAuthenticator(options())
    const gate = createAdapterGate({ authenticator, errorMode: 'next' }, 'next')
    expect(gate.authenticator).to.equal(authenticator)
    expect((gate.authenticate({}, await bearer()) as { subject: string }).subject).to.equal('johndoe')
    expect(() => createAdapterGate({ authenticator, realm: 'x' }, 'next')).to.throw(TypeError, /"realm" cannot be used with "authenticator"/)
    expect(() => createAdapterGate({ authenticator: {} as never }, 'next')).to.throw(TypeError, /"authenticator" must be an Authenticator/)
  })

  it("skips only a CORS preflight, and only with preflight: 'pass'", () => {
    const preflight: RequestView = { headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' }, method: 'OPTIONS' }
    expect(createAdapterGate(options({ preflight: 'pass' }), 'next').skips(preflight)).to.equal(true)
    expect(createAdapterGate(options(), 'next').skips(preflight)).to.equal(false)
    expect(createAdapterGate(options({ preflight: 'pass' }), 'next').skips({ headers: {}, method: 'OPTIONS' })).to.equal(false)
  })

  it('returns the context itself when nothing had to wait, a Promise otherwise', async () => {
    const request = {}
    const view = await bearer()
    const sync = createAdapterGate(options(), 'next').authenticate(request, view)
    expect(sync).not.to.be.instanceOf(Promise)
    expect((sync as { subject?: string }).subject).to.equal('johndoe')
    const waiting = createAdapterGate(options({ isRevoked: async () => false }), 'next').authenticate({}, view)
    expect(waiting).to.be.instanceOf(Promise)
    expect((await waiting)?.subject).to.equal('johndoe')
  })

  it('answers an AuthError directly by default, with the realm filled in', async () => {
    const gate = createAdapterGate(options(), 'next')
    const err = respondError(gate.refusal(await rejects(Promise.resolve(gate.authenticate({}, { headers: {} })))))
    expect(err.code).to.equal('credentials_required')
    expect(err.wwwAuthenticate).to.equal('Bearer realm="api"')
  })

  it('hands an AuthError off in the host’s mode, and anything else always', () => {
    const gate = createAdapterGate(options({ errorMode: 'next' }), 'next')
    const authError = new AuthError('invalid_token')
    expect(gate.refusal(authError)).to.deep.equal({ kind: 'hand-off', error: authError })
    expect(authError.realm).to.equal('api')
    const bug = new TypeError('a bug')
    expect(createAdapterGate(options(), 'next').refusal(bug)).to.deep.equal({ kind: 'hand-off', error: bug })
  })
})

describe('checkGuard()', () => {
  it('refuses with 401 credentials_required, answered directly, where no gate ran', () => {
    expect(respondError(checkGuard(readRiders, {})).code).to.equal('credentials_required')
  })

  it('checks the context the gate verified for this request, and answers in its mode', async () => {
    const gate = createAdapterGate(options({ errorMode: 'next' }), 'next')
    const request = {}
    await gate.authenticate(request, await bearer())
    expect(checkGuard(readRiders, request)).to.equal(undefined)
    const denied = checkGuard(permissionGuard<object>('paris', 'x', 'R'), request)
    expect(denied?.kind).to.equal('hand-off')
    expect((denied?.error as AuthError).code).to.equal('insufficient_permission')
    expect((denied?.error as AuthError).realm).to.equal('api')
    expect(respondError(checkGuard(readRiders, {})).code, 'another request').to.equal('credentials_required')
  })

  it('follows the last gate that authenticated the request', async () => {
    const request = {}
    await createAdapterGate(options({ errorMode: 'next' }), 'next').authenticate(request, await bearer())
    await createAdapterGate(options({ optional: true, realm: 'inner' }), 'next').authenticate(request, { headers: {} })
    const err = respondError(checkGuard(readRiders, request))
    expect(err.code).to.equal('credentials_required')
    expect(err.realm).to.equal('inner')
  })

  it('hands off, as a bug for the host, an error thrown by an argument function', () => {
    const bug = new TypeError('params is undefined')
    const guard = permissionGuard<object>(() => {
      throw bug
    }, 'x', 'R')
    expect(checkGuard(guard, {})).to.deep.equal({ kind: 'hand-off', error: bug })
  })
})
