import { createAuthenticator } from './authenticator.js'
import { readyAuthenticator } from './authenticator-options.js'
import { systemClock, type Clock } from './clock.js'
import { isAuthError, type AuthError } from './errors.js'
import { assertOneOf, assertPlainObject } from './options.js'
import { isPreflight } from './preflight.js'
import type { RequestView } from './request-view.js'
import type { Guard } from './route-guard.js'
import type { AuthContext } from './auth-context.js'
import type { AuthenticatorOptions } from './authenticator-options.js'
import type { Authenticator } from './authenticator.js'

/**
 * Options every HTTP framework adapter's `hivegate()` takes: the authenticator's, plus how a
 * refusal is answered. `HandOff` names the framework's way of passing an error on (`'next'` for
 * Express, `'throw'` for Koa).
 */
export interface AdapterGateOptions<HandOff extends string> extends AuthenticatorOptions {
  /**
   * An authenticator built elsewhere (shared with other adapters), instead of the options above:
   * beside it only `errorMode` and `preflight` may be set.
   */
  authenticator?: Authenticator
  /** `'respond'` (default): answer the refusal directly. The other value hands the AuthError to the host. */
  errorMode?: 'respond' | HandOff
  /**
   * `'authenticate'` (default): a CORS preflight needs credentials like any request. `'pass'`: an
   * `OPTIONS` request with `Origin` and `Access-Control-Request-Method` goes on untouched, since
   * browsers never send credentials on a preflight.
   */
  preflight?: 'authenticate' | 'pass'
}

/** Defaults of the adapter's own options. */
export const ADAPTER_GATE_DEFAULTS = Object.freeze({ errorMode: 'respond', preflight: 'authenticate' } as const)

/**
 * How an adapter answers a failed request: write the AuthError itself (`respond`), or pass the
 * error to the host's own error handling (`hand-off`: the configured mode, or anything that is not
 * an AuthError, which is a bug for the host to report).
 */
export type Refusal =
  | { readonly kind: 'respond'; readonly error: AuthError }
  | { readonly kind: 'hand-off'; readonly error: unknown }

/** What a guard needs to know of the gate that ran before it on the same request. */
interface Binding {
  readonly handOff: boolean
  readonly realm: string | undefined
  readonly auth: AuthContext | undefined
  /** The verifier's clock, for guards that judge time. */
  readonly clock: Clock
}

const NO_GATE: Binding = Object.freeze({ handOff: false, realm: undefined, auth: undefined, clock: systemClock })
// A property of the host's request object (Express `req`, Koa `ctx`), dropped with it. A private
// symbol no other code can name; cheaper per request than a WeakMap entry, which the GC must trace.
const BINDING = Symbol('hivegate.binding')
type Bound = { [BINDING]?: Binding }

function refusalOf(binding: Binding, err: unknown): Refusal {
  if (!isAuthError(err)) return { kind: 'hand-off', error: err }
  if (err.realm === undefined) err.realm = binding.realm
  return { kind: binding.handOff ? 'hand-off' : 'respond', error: err }
}

/** The per-request pipeline of an adapter's `hivegate()`, built once from its options. */
export interface AdapterGate {
  readonly authenticator: Authenticator
  /** True when `view` goes on untouched: a CORS preflight with `preflight: 'pass'`. */
  skips(view: RequestView): boolean
  /**
   * Authenticates `view` and records the outcome against `request` (the host's own request
   * object), which the guards after it read with {@link checkGuard}. Like the authenticator's
   * `authenticateEager`: the AuthContext itself when nothing had to wait, else a Promise; a
   * refusal is always a rejected Promise.
   */
  authenticate(request: object, view: RequestView): AuthContext | undefined | Promise<AuthContext | undefined>
  /** How to answer an error `authenticate` rejected with. */
  refusal(err: unknown): Refusal
}

/**
 * Validates an adapter's options once (`errorMode`, `preflight`, then the authenticator's) and
 * builds its per-request pipeline. Each adapter maps its framework onto this and nothing more.
 *
 * @example
 * ```ts
 * const gate = createAdapterGate(options, 'throw')
 * return async (ctx, next) => {
 *   const view = toRequestView(ctx)
 *   if (gate.skips(view)) return next()
 *   try {
 *     ctx.state.auth = await gate.authenticate(ctx, view)
 *   } catch (err) {
 *     return answer(gate.refusal(err), ctx)
 *   }
 *   return next()
 * }
 * ```
 */
export function createAdapterGate<HandOff extends string>(options: AdapterGateOptions<HandOff>, handOff: HandOff): AdapterGate {
  assertPlainObject('options', options)
  const { errorMode = ADAPTER_GATE_DEFAULTS.errorMode, preflight = ADAPTER_GATE_DEFAULTS.preflight, authenticator: _ready, ...authenticatorOptions } = options
  assertOneOf('errorMode', errorMode, ['respond', handOff])
  assertOneOf('preflight', preflight, ['authenticate', 'pass'] as const)
  const authenticator = readyAuthenticator(options) ?? createAuthenticator(authenticatorOptions)
  const settings: Binding = Object.freeze({ handOff: errorMode === handOff, realm: authenticator.realm, auth: undefined, clock: authenticator.verifier.clock })
  const passPreflight = preflight === 'pass'
  const { handOff: handsOff, realm, clock } = settings

  // A literal of one shape, and no closure per request: this runs on every authenticated request.
  function bind(request: Bound, auth: AuthContext | undefined): AuthContext | undefined {
    request[BINDING] = { handOff: handsOff, realm, auth, clock }
    return auth
  }

  return Object.freeze({
    authenticator,
    skips: (view: RequestView) => passPreflight && isPreflight(view),
    authenticate(request: object, view: RequestView): AuthContext | undefined | Promise<AuthContext | undefined> {
      const result = authenticator.authenticateEager(view)
      return result instanceof Promise ? result.then((auth) => bind(request, auth)) : bind(request, result)
    },
    refusal: (err: unknown) => refusalOf(settings, err),
  })
}

/**
 * Runs a permission guard against the AuthContext the last gate on `request` verified (not a
 * property code after it may have replaced), answering the way that gate answers. Undefined when
 * the guard passes; a `credentials_required` refusal when no gate ran.
 *
 * @example
 * ```ts
 * const refusal = checkGuard(permissionGuard<Request>('london', (req) => req.params.id, 'R'), req)
 * if (refusal === undefined) return next()
 * ```
 */
export function checkGuard<R extends object>(guard: Guard<R>, request: R): Refusal | undefined {
  const binding = (request as Bound)[BINDING] ?? NO_GATE
  try {
    guard(binding.auth, request, binding.clock)
  } catch (err) {
    return refusalOf(binding, err)
  }
  return undefined
}
