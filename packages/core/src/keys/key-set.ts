import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import type { Claims } from '../claims.js'
import type { JwsHeader } from '../jws.js'
import type { Algorithm } from './algorithms.js'
import type { KeyLookup, KeySetOptions, VerificationKey } from './options.js'
import { ASYMMETRIC_ALGORITHMS } from './algorithms.js'
import type { EventSink } from './events.js'
import { jwksKeyCount, parseJwks } from './jwks-local.js'
import { RemoteJwks } from './jwks-remote.js'
import { KeyTable } from './key-table.js'
import { runLookup } from './lookup.js'
import { JWKS_DEFAULTS, resolveJwksOptions } from './options.js'
import { importPublicKeys } from './public-key.js'
import { importSecrets } from './secrets.js'

type KeyList = readonly VerificationKey[]
type Selection = KeyList | Promise<KeyList>

const OPTION_NAMES = ['secrets', 'jwks', 'localJwks', 'publicKeys', 'lookup', 'lookupVersion'] as const

/** The request-time refusals of key selection; messages never echo the kid or any key. */
export const refuse = {
  unknownKid: () => new AuthError('invalid_token', 'The token is signed with an unknown key'),
  algNotBound: () => new AuthError('invalid_token', "The token's algorithm is not allowed for its key"),
  ambiguous: () => new AuthError('invalid_token', 'The token has no kid and more than one key could verify it'),
  noKey: () => new AuthError('invalid_token', "No key can verify the token's algorithm"),
}

/** Most keys a local JWKS may hold: the remote default, so a set served both ways behaves the same. */
export const MAX_LOCAL_JWKS_KEYS = JWKS_DEFAULTS.maxKeys

function localJwksKeys(doc: unknown, name: string): VerificationKey[] {
  const count = jwksKeyCount(doc)
  if (count > MAX_LOCAL_JWKS_KEYS) throw new TypeError(`"${name}" holds ${count} keys; at most ${MAX_LOCAL_JWKS_KEYS} are accepted`)
  return parseJwks(doc, name, true).keys
}

/**
 * The keys of one issuer: local keys (secrets, public keys, local JWKS) indexed at construction,
 * then a remote JWKS, then a lookup function, in that order. A kid known to an earlier source is
 * answered by that source alone.
 */
export class KeySet {
  /** Algorithms some key of this set may verify (remote JWKS: every allowed asymmetric one; lookup: every allowed one). */
  readonly algorithms: ReadonlySet<Algorithm>
  private readonly local: KeyTable
  private readonly remote: RemoteJwks | undefined
  private readonly lookup: KeyLookup | undefined
  /** `lookupVersion`: when it changes, verifications cached under another version are redone. */
  readonly version: (() => number) | undefined

  constructor(options: KeySetOptions, name: string, private readonly allowed: ReadonlySet<Algorithm>, clock: Clock, emit: EventSink) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`"${name}" must be an object`)
    for (const key of Object.keys(options)) {
      if (!(OPTION_NAMES as readonly string[]).includes(key)) {
        throw new TypeError(`"${name}.${key}" is not an option; expected one of ${OPTION_NAMES.join(', ')}`)
      }
    }
    if (OPTION_NAMES.every((key) => key === 'lookupVersion' || options[key] === undefined)) {
      throw new TypeError(`"${name}" must configure at least one of ${OPTION_NAMES.join(', ')}`)
    }
    if (options.lookup !== undefined && typeof options.lookup !== 'function') throw new TypeError(`"${name}.lookup" must be a function`)
    if (options.lookupVersion !== undefined) {
      if (typeof options.lookupVersion !== 'function') throw new TypeError(`"${name}.lookupVersion" must be a function`)
      if (options.lookup === undefined) throw new TypeError(`"${name}.lookupVersion" needs "${name}.lookup"`)
    }
    const keys: VerificationKey[] = []
    if (options.secrets !== undefined) keys.push(...importSecrets(options.secrets, `${name}.secrets`))
    if (options.publicKeys !== undefined) keys.push(...importPublicKeys(options.publicKeys, `${name}.publicKeys`))
    if (options.localJwks !== undefined) keys.push(...localJwksKeys(options.localJwks, `${name}.localJwks`))
    this.local = new KeyTable(keys, allowed)
    this.remote =
      options.jwks === undefined
        ? undefined
        : new RemoteJwks(resolveJwksOptions(options.jwks, `${name}.jwks`), allowed, clock, emit)
    this.lookup = options.lookup
    this.version = options.lookupVersion

    const algorithms = new Set(this.local.algorithms)
    if (this.remote !== undefined) for (const alg of ASYMMETRIC_ALGORITHMS) if (allowed.has(alg)) algorithms.add(alg)
    if (this.lookup !== undefined) for (const alg of allowed) algorithms.add(alg)
    if (algorithms.size === 0) throw new RangeError(`"${name}" has no key that may verify an algorithm of "algorithms"`)
    this.algorithms = algorithms
  }

  /** Keys for a token of this (allowed) `alg` and `kid`; see KeyStore.select. */
  select(alg: Algorithm, kid: string | undefined, header: Readonly<JwsHeader>, claims: Readonly<Claims>): Selection {
    if (kid === undefined) return this.selectWithoutKid(alg, header, claims)
    const local = this.local.forKid(kid, alg)
    if (local !== undefined) {
      if (local.length === 0) throw refuse.algNotBound()
      return local
    }
    if (this.remote === undefined) return this.fromLookup(alg, header, claims)
    const table = this.remote.tableFor(kid)
    if (table instanceof KeyTable) return this.fromRemote(table, alg, kid, header, claims)
    return table.then((t) => this.fromRemote(t, alg, kid, header, claims))
  }

  close(): void {
    this.remote?.close()
  }

  private fromRemote(table: KeyTable, alg: Algorithm, kid: string, header: Readonly<JwsHeader>, claims: Readonly<Claims>): Selection {
    const found = table.forKid(kid, alg)
    if (found === undefined) return this.fromLookup(alg, header, claims)
    if (found.length === 0) throw refuse.algNotBound()
    return found
  }

  private selectWithoutKid(alg: Algorithm, header: Readonly<JwsHeader>, claims: Readonly<Claims>): Selection {
    const local = this.local.forAlg(alg)
    if (this.remote === undefined) return this.exactlyOne(local, undefined, alg, header, claims)
    const table = this.remote.tableFor(undefined)
    if (table instanceof KeyTable) return this.exactlyOne(local, table.forAlg(alg), alg, header, claims)
    return table.then((t) => this.exactlyOne(local, t.forAlg(alg), alg, header, claims))
  }

  private exactlyOne(local: KeyList, remote: KeyList | undefined, alg: Algorithm, header: Readonly<JwsHeader>, claims: Readonly<Claims>): Selection {
    const total = local.length + (remote?.length ?? 0)
    if (total === 1) return local.length === 1 ? local : remote!
    if (total > 1) throw refuse.ambiguous()
    return this.fromLookup(alg, header, claims)
  }

  private fromLookup(alg: Algorithm, header: Readonly<JwsHeader>, claims: Readonly<Claims>): Selection {
    const noKid = header.kid === undefined
    if (this.lookup === undefined) throw noKid ? refuse.noKey() : refuse.unknownKid()
    const found = runLookup(this.lookup, header, claims, alg, this.allowed)
    return found instanceof Promise ? found.then((keys) => onlyFound(keys, noKid)) : onlyFound(found, noKid)
  }
}

function onlyFound(keys: KeyList, noKid: boolean): KeyList {
  if (keys.length === 0) throw noKid ? refuse.noKey() : refuse.unknownKid()
  if (noKid && keys.length > 1) throw refuse.ambiguous()
  return keys
}
