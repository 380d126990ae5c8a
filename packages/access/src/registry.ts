import { randomBytes, randomUUID } from 'node:crypto'
import { createRevocationList, createSigner, systemClock, type Claims, type Clock, type KeyLookup, type RevocationList, type TimerHandle } from '@hivegate/core'
import { assertPositiveInteger } from '@hivegate/core/internal'
import { AccessError, invalid } from './errors.js'
import { createOperatorKey } from './operator-key.js'
import type { AccessState, AuditEntry, ConnectionSelector, SecretRecord, TokenRecord } from './records.js'
import { buildSnapshot, EMPTY_SNAPSHOT, keysChanged } from './snapshot.js'
import type { AccessChange, AccessStore, AuditInput } from './store.js'
import { UsageLog } from './usage.js'
import { kid as checkKid, secretInput, selectorInput, text, tokenId, tokenInput } from './validate.js'

/** Something worth logging about the registry; never carries a secret or a token. */
export type AccessEvent =
  | { readonly type: 'access_refreshed'; readonly version: number }
  /** The store could not be read: the last known state keeps serving. */
  | { readonly type: 'access_refresh_failed'; readonly reason: string }
  /** The store shows an older state than one already served (data lost or replaced): refused, the last state keeps serving. */
  | { readonly type: 'access_store_regressed'; readonly served: number; readonly found: number }
  | { readonly type: 'access_usage_write_failed'; readonly reason: string }

/** Options of {@link createAccessRegistry}. */
export interface AccessRegistryOptions {
  store: AccessStore
  /** 32 bytes (base64url or hex text) that seal secret values at rest. */
  operatorKey: string | Uint8Array
  /** `iss` of the static tokens it mints; must be one the verifier accepts. */
  issuer: string
  /** `aud` of the static tokens it mints. */
  audience?: string | string[]
  /** A revocation list to feed (e.g. the one the gateway already has). Default: a new one. */
  revocations?: RevocationList
  /**
   * `wait` (default): resolve once the whole state is loaded, retrying a store that is down.
   * `fail-closed`: resolve at once; until the state arrives no registry secret verifies, so static
   * tokens are refused and every other key source works.
   */
  startup?: 'wait' | 'fail-closed'
  /** How often last-used times are written, ms. Default 60,000: at most once a minute per token. */
  usageInterval?: number
  /**
   * Longest wait for one read of the store, ms (on `clock`). Default 10,000. A read that takes longer
   * fails (`access_refresh_failed`, `health().lastError`), the last state keeps serving, and it is retried.
   */
  refreshTimeout?: number
  clock?: Clock
  onEvent?: (event: AccessEvent) => void
}

/** What a health check reports. `ok` is false until the state is loaded and while the store is unreachable. */
export interface AccessHealth {
  readonly ok: boolean
  readonly loaded: boolean
  readonly version: number
  readonly storeConnected: boolean
  readonly lastError: string | undefined
}

/** A secret or token value shown once, at creation. */
export interface Created<T> {
  readonly record: T
  /** The secret or the token itself: show it to the user once, never log it. */
  readonly value: string
}

/** The registry: live keys and revocations for the verifier, and the operations of the admin surfaces. */
export interface AccessRegistry {
  /** For the verifier's `keys` (alone or beside other key sources): active and retiring secrets, by kid. */
  readonly keys: { readonly lookup: KeyLookup; readonly lookupVersion: () => number }
  /** For the verifier's `revocations`: revoked static tokens, so open connections are closed too. */
  readonly revocations: RevocationList
  /** For the verifier's `isRevoked`: refuses revoked static tokens and notes when each was last used. */
  readonly isRevoked: (claims: Readonly<Claims>) => boolean
  /** Version of the state being served. */
  readonly version: number
  /** For a health check: is the state loaded, is the store reachable, and the last read's fault. */
  health(): AccessHealth
  listSecrets(): readonly SecretRecord[]
  createSecret(input: unknown, actor: string): Promise<Created<SecretRecord>>
  /** A new active secret; the active ones become `retiring` (they still verify). */
  rotateSecret(input: unknown, actor: string): Promise<Created<SecretRecord>>
  retireSecret(kid: unknown, actor: string): Promise<SecretRecord>
  listTokens(): Promise<readonly TokenRecord[]>
  getToken(id: unknown): Promise<TokenRecord>
  createToken(input: unknown, actor: string): Promise<Created<TokenRecord>>
  revokeToken(id: unknown, actor: string): Promise<TokenRecord>
  readAudit(query?: { limit?: number; before?: number }): Promise<AuditEntry[]>
  /** Asks every instance on the store (this one included) to close the connections `selector` matches. */
  closeConnections(selector: unknown, actor: string): Promise<ConnectionSelector>
  /** Called with each close request as it arrives from the store; returns the unsubscribe. */
  onCloseConnections(listener: (selector: ConnectionSelector) => void): () => void
  /**
   * Reads the store now (it is also read after every change another process commits). Settles
   * within `refreshTimeout`; a failed read keeps the last state, is reported through `onEvent` and
   * `health()`, and is retried.
   */
  refresh(): Promise<void>
  /** Writes pending last-used times now. */
  flushUsage(): Promise<void>
  close(): Promise<void>
}

const SECRET_BYTES = { HS256: 32, HS384: 48, HS512: 64 } as const
const MAX_AUDIT_PAGE = 500

function actorName(actor: unknown): string {
  return text(actor, 'actor', true)!
}

function expiresAtOf(token: string): number | undefined {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Claims
  return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined
}

/**
 * Opens the registry on `store` and loads its state before it resolves, so the first request
 * already sees every revocation. The verifier reads only memory; the store is read again after
 * each change, in this process or another.
 *
 * @example
 * ```ts
 * const registry = await createAccessRegistry({ store: createSqliteStore('./hivegate.db'), operatorKey, issuer: 'my-app' })
 * const verifier = createVerifier({ issuer: 'my-app', keys: registry.keys, revocations: registry.revocations, isRevoked: registry.isRevoked })
 * ```
 */
export async function createAccessRegistry(options: AccessRegistryOptions): Promise<AccessRegistry> {
  if (typeof options !== 'object' || options === null) throw new TypeError('access registry options must be an object')
  const { store, issuer, audience } = options
  if (typeof store !== 'object' || store === null || typeof store.load !== 'function') throw new TypeError('"store" must be an AccessStore')
  if (typeof issuer !== 'string' || issuer === '') throw new TypeError('"issuer" must be a non-empty string')
  const clock = options.clock ?? systemClock
  const usageInterval = options.usageInterval ?? 60_000
  assertPositiveInteger('usageInterval', usageInterval)
  const refreshTimeout = options.refreshTimeout ?? 10_000
  assertPositiveInteger('refreshTimeout', refreshTimeout)
  const startup = options.startup ?? 'wait'
  if (startup !== 'wait' && startup !== 'fail-closed') throw new TypeError('"startup" must be "wait" or "fail-closed"')
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') throw new TypeError('"onEvent" must be a function')
  const operatorKey = createOperatorKey(options.operatorKey)
  const revocations = options.revocations ?? createRevocationList({ clock, max: 1_000_000 })
  const emit = (event: AccessEvent): void => {
    try {
      options.onEvent?.(event)
    } catch {
      // A failing listener must not stop the registry.
    }
  }

  let snapshot = EMPTY_SNAPSHOT
  let keysVersion = 0
  const usage = new UsageLog()

  const kickListeners = new Set<(selector: ConnectionSelector) => void>()
  let lastKick: number | undefined
  // Kicks made before this instance first loaded are history: its connections came after them.
  function applyKicks(state: AccessState): void {
    const newest = state.kicks.at(-1)?.seq ?? 0
    if (lastKick !== undefined) {
      for (const kick of state.kicks) {
        if (kick.seq <= lastKick) continue
        const { sub, tnd, jti } = kick
        const selector = Object.freeze({ ...(sub !== undefined && { sub }), ...(tnd !== undefined && { tnd }), ...(jti !== undefined && { jti }) })
        for (const listener of [...kickListeners]) {
          try {
            listener(selector)
          } catch {
            // One failing listener must not keep the others from closing their connections.
          }
        }
      }
    }
    lastKick = Math.max(lastKick ?? 0, newest)
  }

  function serve(state: AccessState): void {
    if (state.version < snapshot.version) {
      emit({ type: 'access_store_regressed', served: snapshot.version, found: state.version })
      return
    }
    applyKicks(state)
    const next = buildSnapshot(state, operatorKey, snapshot)
    if (keysChanged(snapshot, next)) keysVersion++
    snapshot = next
    for (const token of next.tokens.values()) {
      if (token.revokedAt === undefined || revocations.has(token.id)) continue
      try {
        revocations.revoke(token.id, token.expiresAt)
      } catch {
        // A full list still leaves isRevoked refusing the token; only the connection kick is lost.
      }
    }
    emit({ type: 'access_refreshed', version: next.version })
  }

  let refreshing: Promise<void> | undefined
  let keyChecked = false
  let loaded = false
  let lastError: string | undefined
  let failures = 0
  let retryTimer: NodeJS.Timeout | undefined
  let closed = false

  async function fetchState(): Promise<AccessState> {
    if (!keyChecked) {
      await store.checkOperatorKey(operatorKey.check)
      keyChecked = true
    }
    return store.load()
  }
  // A store that accepts the call but never answers (a hung server, a silent network) must not hold
  // every later refresh behind this one: past refreshTimeout the read fails and its late answer is dropped.
  async function read(): Promise<void> {
    let timer: TimerHandle | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(
        () => reject(new AccessError('store_unavailable', `the access store ${store.description} did not answer within ${refreshTimeout} ms`)),
        refreshTimeout,
      )
    })
    try {
      serve(await Promise.race([fetchState(), timeout]))
    } finally {
      clock.clearTimeout(timer!)
    }
    loaded = true
    lastError = undefined
    failures = 0
  }

  // A failed read is tried again with back-off (100 ms doubling to 5 s) until one succeeds.
  const nextDelay = (): number => Math.min(100 * 2 ** failures++, 5000)
  function readFailed(err: unknown): void {
    lastError = err instanceof Error ? err.message : 'error'
    emit({ type: 'access_refresh_failed', reason: lastError })
  }
  function retryLater(): void {
    if (closed || retryTimer !== undefined) return
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      void refresh().catch(() => {})
    }, nextDelay())
    retryTimer.unref()
  }

  // One read at a time. A call resolves only after a read that started after it (a read already
  // under way may predate the caller's commit), so a change is never missed by the one who made it.
  let requested = 0
  let served = 0
  async function readOnce(): Promise<void> {
    const covers = requested
    try {
      await read()
    } catch (err) {
      if (err instanceof AccessError && err.code === 'operator_key_mismatch') throw err
      readFailed(err)
      retryLater()
    } finally {
      refreshing = undefined
      served = Math.max(served, covers)
    }
  }
  async function refresh(): Promise<void> {
    const mine = ++requested
    while (served < mine) await (refreshing ??= readOnce())
  }
  if (startup === 'wait') {
    // Only a fault is waited out; a wrong key or an empty (possibly wiped) store is an answer.
    for (;;) {
      try {
        await read()
        break
      } catch (err) {
        if (!(err instanceof AccessError) || err.code !== 'store_unavailable') throw err
        readFailed(err)
        await new Promise((resolve) => setTimeout(resolve, nextDelay()))
      }
    }
  } else {
    void refresh().catch(() => {})
  }
  const unwatch = store.watch(() => void refresh().catch(() => {}))

  async function commit(changes: AccessChange[], audit: AuditInput[]): Promise<void> {
    await store.commit(changes, audit)
    await refresh()
  }

  async function flushUsage(): Promise<void> {
    const taken = usage.take()
    if (taken.size === 0) return
    try {
      await store.touch(taken)
    } catch (err) {
      usage.restore(taken)
      emit({ type: 'access_usage_write_failed', reason: err instanceof Error ? err.message : 'error' })
    }
  }
  const usageTimer = setInterval(() => void flushUsage(), usageInterval)
  usageTimer.unref()

  async function newSecret(input: unknown, actor: string, retire: readonly SecretRecord[]): Promise<Created<SecretRecord>> {
    const who = actorName(actor)
    const { kid, alg } = secretInput(input)
    const name = kid ?? `hs-${randomBytes(6).toString('hex')}`
    const value = randomBytes(SECRET_BYTES[alg]).toString('base64url')
    const at = clock.now()
    const record: SecretRecord = Object.freeze({ kid: name, alg, status: 'active', createdAt: at, statusAt: at })
    const changes: AccessChange[] = retire.map((old) => ({ type: 'secret.status', kid: old.kid, from: ['active'], to: 'retiring', at }))
    changes.push({ type: 'secret.create', secret: { ...record, sealed: operatorKey.seal(name, Buffer.from(value, 'utf8')) } })
    const audit: AuditInput[] = [
      retire.length === 0
        ? { at, actor: who, action: 'secret.create', target: name, detail: alg }
        : { at, actor: who, action: 'secret.rotate', target: name, detail: `${alg}; retiring ${retire.map((s) => s.kid).join(', ')}` },
    ]
    await commit(changes, audit)
    return { record, value }
  }

  function activeSecrets(): SecretRecord[] {
    return snapshot.secrets.filter((s) => s.status === 'active')
  }

  async function tokenById(id: unknown): Promise<TokenRecord> {
    const checked = tokenId(id)
    await refresh()
    const token = snapshot.tokens.get(checked)
    if (token === undefined) throw new AccessError('not_found', 'no token has this id', 'id')
    return token
  }

  return {
    keys: Object.freeze({
      lookup: (header) => (header.kid === undefined ? undefined : snapshot.keys.get(header.kid)),
      lookupVersion: () => keysVersion,
    }),
    revocations,
    isRevoked(claims) {
      const jti = claims.jti
      if (typeof jti !== 'string') return false
      const token = snapshot.tokens.get(jti)
      if (token === undefined) return false
      if (token.revokedAt !== undefined) return true
      usage.record(jti, clock.now())
      return false
    },
    get version() {
      return snapshot.version
    },
    health() {
      const storeConnected = (store as { connected?: boolean }).connected ?? true
      return Object.freeze({ ok: loaded && storeConnected && lastError === undefined, loaded, version: snapshot.version, storeConnected, lastError })
    },
    listSecrets: () => snapshot.secrets,
    createSecret: (input, actor) => newSecret(input, actor, []),
    rotateSecret: (input, actor) => newSecret(input, actor, activeSecrets()),
    async retireSecret(kid, actor) {
      const who = actorName(actor)
      const name = checkKid(kid)
      const at = clock.now()
      await commit(
        [{ type: 'secret.status', kid: name, from: ['active', 'retiring'], to: 'retired', at }],
        [{ at, actor: who, action: 'secret.retire', target: name, detail: '' }],
      )
      return snapshot.secrets.find((s) => s.kid === name)!
    },
    async listTokens() {
      await flushUsage()
      await refresh()
      return [...snapshot.tokens.values()]
    },
    getToken: tokenById,
    async createToken(input, actor) {
      const who = actorName(actor)
      const request = tokenInput(input)
      const secret = activeSecrets().at(-1)
      if (secret === undefined) throw invalid('kid', 'names no active secret: create or rotate a secret first')
      const value = snapshot.keys.get(secret.kid)!
      const id = randomUUID()
      const signer = createSigner({
        secret: value.key, alg: secret.alg, kid: secret.kid, issuer, ...(audience !== undefined && { audience }), ttl: request.ttl ?? 'never', clock,
      })
      const claims: Claims = {}
      if (request.sub !== undefined) claims.sub = request.sub
      if (request.tnd !== undefined) claims.tnd = request.tnd
      if (request.per !== undefined) claims.per = request.per
      if (request.dpv !== undefined) claims.dpv = request.dpv
      const token = signer.sign(claims, { jti: id })
      const at = clock.now()
      const record: TokenRecord = Object.freeze({
        id, name: request.name, sub: request.sub, tnd: request.tnd, per: request.per, dpv: request.dpv, kid: secret.kid,
        createdAt: at, createdBy: who, expiresAt: expiresAtOf(token), revokedAt: undefined, revokedBy: undefined, lastUsedAt: undefined,
      })
      await commit([{ type: 'token.create', token: record }], [{ at, actor: who, action: 'token.create', target: id, detail: `name ${JSON.stringify(request.name)}` }])
      return { record, value: token }
    },
    async revokeToken(id, actor) {
      const who = actorName(actor)
      const token = await tokenById(id)
      const at = clock.now()
      await commit([{ type: 'token.revoke', id: token.id, at, by: who }], [{ at, actor: who, action: 'token.revoke', target: token.id, detail: `name ${JSON.stringify(token.name)}` }])
      return snapshot.tokens.get(token.id)!
    },
    async readAudit({ limit = 100, before } = {}) {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) throw invalid('limit', `must be an integer from 1 to ${MAX_AUDIT_PAGE}`)
      if (before !== undefined && (!Number.isInteger(before) || before < 1)) throw invalid('before', 'must be a positive integer')
      return store.readAudit({ limit, ...(before !== undefined && { before }) })
    },
    async closeConnections(input, actor) {
      const who = actorName(actor)
      const selector = selectorInput(input)
      const at = clock.now()
      const target = Object.entries(selector).map(([name, value]) => `${name}=${value}`).join(' ')
      await commit([{ type: 'connections.close', selector, at, by: who }], [{ at, actor: who, action: 'connections.close', target, detail: '' }])
      return selector
    },
    onCloseConnections(listener) {
      if (typeof listener !== 'function') throw new TypeError('"listener" must be a function')
      kickListeners.add(listener)
      return () => kickListeners.delete(listener)
    },
    refresh,
    flushUsage,
    async close() {
      closed = true
      if (retryTimer !== undefined) clearTimeout(retryTimer)
      clearInterval(usageTimer)
      unwatch()
      await flushUsage()
      await refreshing
    },
  }
}
