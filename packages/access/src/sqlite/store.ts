import Database from 'better-sqlite3'
import { assertPositiveInteger } from '@hivegate/core/internal'
import { AccessError, invalid } from '../errors.js'
import type { AccessState } from '../records.js'
import type { AccessChange, AccessStore, AuditInput } from '../store.js'
import { migrate } from './schema.js'
import { auditOf, kickOf, secretOf, tokenOf, tokenRow, type AuditRow, type KickRow, type SecretRow, type TokenRow } from './rows.js'
import { MAX_KICKS } from '../records.js'

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** How often another process's commits are looked for, ms. Default 200. */
  pollInterval?: number
  /** How long a write waits for another writer's lock, ms. Default 5000. */
  busyTimeout?: number
}

const DEFAULTS = Object.freeze({ pollInterval: 200, busyTimeout: 5000 })

// A fault of the file or the lock is a 503: the caller may retry, nothing was written.
function storeFault(err: unknown): never {
  if (err instanceof AccessError) throw err
  const code = (err as { code?: unknown }).code
  throw new AccessError('store_unavailable', `the access store failed (${typeof code === 'string' ? code : 'error'})`)
}


/**
 * The default store: one SQLite file in WAL mode, safe for several processes on one machine (a
 * CLI beside a running gateway). Every commit is one IMMEDIATE transaction with `synchronous=FULL`,
 * so a crash at any point leaves the last committed change on disk.
 *
 * @example
 * ```ts
 * const store = createSqliteStore('./hivegate.db')
 * ```
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): AccessStore {
  if (typeof path !== 'string' || path === '') throw new TypeError('"store" must be a file path')
  const { pollInterval = DEFAULTS.pollInterval, busyTimeout = DEFAULTS.busyTimeout } = options
  assertPositiveInteger('pollInterval', pollInterval)
  assertPositiveInteger('busyTimeout', busyTimeout)
  let db: Database.Database
  try {
    db = new Database(path, { timeout: busyTimeout })
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    migrate(db)
  } catch (err) {
    throw new AccessError('store_unavailable', `cannot open the access store ${path}: ${err instanceof Error ? err.message : 'error'}`)
  }
  const q = {
    version: db.prepare<[], { value: string }>("SELECT value FROM meta WHERE name = 'version'"),
    bump: db.prepare("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE name = 'version'"),
    keyCheck: db.prepare<[], { value: string }>("SELECT value FROM meta WHERE name = 'operator_key_check'"),
    setKeyCheck: db.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES ('operator_key_check', ?)"),
    secrets: db.prepare<[], SecretRow>('SELECT * FROM secrets ORDER BY created_at, rowid'),
    tokens: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY created_at, rowid'),
    secretStatus: db.prepare<[string], { status: string }>('SELECT status FROM secrets WHERE kid = ?'),
    insertSecret: db.prepare('INSERT INTO secrets (kid, alg, status, created_at, status_at, sealed) VALUES (@kid, @alg, @status, @createdAt, @statusAt, @sealed)'),
    setStatus: db.prepare('UPDATE secrets SET status = ?, status_at = ? WHERE kid = ?'),
    liveName: db.prepare<[string], { id: string }>('SELECT id FROM tokens WHERE name = ? AND revoked_at IS NULL'),
    insertToken: db.prepare(
      'INSERT INTO tokens VALUES (@id, @name, @sub, @tnd, @per, @dpv, @kid, @created_at, @created_by, @expires_at, @revoked_at, @revoked_by, @last_used_at)',
    ),
    tokenState: db.prepare<[string], { revoked_at: number | null }>('SELECT revoked_at FROM tokens WHERE id = ?'),
    revoke: db.prepare('UPDATE tokens SET revoked_at = ?, revoked_by = ? WHERE id = ?'),
    touch: db.prepare('UPDATE tokens SET last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE id = ?'),
    audit: db.prepare('INSERT INTO audit (at, actor, action, target, detail) VALUES (@at, @actor, @action, @target, @detail)'),
    kick: db.prepare('INSERT INTO kicks (at, by, sub, tnd, jti) VALUES (?, ?, ?, ?, ?)'),
    trimKicks: db.prepare('DELETE FROM kicks WHERE seq <= (SELECT MAX(seq) FROM kicks) - ?'),
    kicks: db.prepare<[number], KickRow>('SELECT * FROM kicks ORDER BY seq DESC LIMIT ?'),
    readAudit: db.prepare<[number, number], AuditRow>('SELECT * FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?'),
  }
  const readVersion = (): number => Number(q.version.get()!.value)

  function apply(change: AccessChange): void {
    switch (change.type) {
      case 'secret.create': {
        if (q.secretStatus.get(change.secret.kid) !== undefined) throw invalid('kid', `names a secret that exists`)
        const { kid, alg, status, createdAt, statusAt, sealed } = change.secret
        q.insertSecret.run({ kid, alg, status, createdAt, statusAt, sealed })
        return
      }
      case 'secret.status': {
        const row = q.secretStatus.get(change.kid)
        if (row === undefined) throw invalid('kid', `names no secret`)
        if (!change.from.includes(row.status as never)) throw invalid('kid', `names a secret that is ${row.status}`)
        q.setStatus.run(change.to, change.at, change.kid)
        return
      }
      case 'token.create': {
        const row = q.secretStatus.get(change.token.kid)
        if (row?.status !== 'active') throw invalid('kid', 'names no active secret')
        if (q.liveName.get(change.token.name) !== undefined) throw invalid('name', 'is taken by a token that is not revoked')
        q.insertToken.run(tokenRow(change.token))
        return
      }
      case 'token.revoke': {
        const row = q.tokenState.get(change.id)
        if (row === undefined) throw invalid('id', 'names no token')
        if (row.revoked_at !== null) throw invalid('id', 'names a token that is already revoked')
        q.revoke.run(change.at, change.by, change.id)
        return
      }
      case 'connections.close': {
        const { sub = null, tnd = null, jti = null } = change.selector
        q.kick.run(change.at, change.by, sub, tnd, jti)
        q.trimKicks.run(MAX_KICKS)
      }
    }
  }

  const commit = db.transaction((changes: readonly AccessChange[], audit: readonly AuditInput[]): number => {
    for (const change of changes) apply(change)
    for (const line of audit) q.audit.run(line)
    q.bump.run()
    return readVersion()
  })
  const load = db.transaction((): AccessState => ({
    version: readVersion(),
    secrets: q.secrets.all().map(secretOf),
    tokens: q.tokens.all().map(tokenOf),
    kicks: q.kicks.all(MAX_KICKS).reverse().map(kickOf),
  }))
  const touch = db.transaction((used: ReadonlyMap<string, number>) => {
    for (const [id, at] of used) q.touch.run(at, id)
  })

  const listeners = new Set<() => void>()
  let timer: NodeJS.Timeout | undefined
  let seen = { data: 0, version: 0 }
  // data_version moves when another connection commits; the meta version says whether it was a change.
  function poll(): void {
    try {
      const data = db.pragma('data_version', { simple: true }) as number
      if (data === seen.data) return
      const version = readVersion()
      const changed = version !== seen.version
      seen = { data, version }
      if (changed) for (const listener of [...listeners]) listener()
    } catch {
      // A failed poll is retried on the next tick; the registry's own refresh reports faults.
    }
  }
  let closed = false

  return {
    description: path,
    async checkOperatorKey(check) {
      try {
        q.setKeyCheck.run(check)
        if (q.keyCheck.get()!.value !== check) {
          throw new AccessError('operator_key_mismatch', `the operator key does not match the one ${path} was created with`)
        }
      } catch (err) {
        storeFault(err)
      }
    },
    async load() {
      try {
        return load.immediate()
      } catch (err) {
        storeFault(err)
      }
    },
    async commit(changes, audit) {
      try {
        return commit.immediate(changes, audit)
      } catch (err) {
        storeFault(err)
      }
    },
    async touch(used) {
      if (used.size === 0) return
      try {
        touch.immediate(used)
      } catch (err) {
        storeFault(err)
      }
    },
    async readAudit({ limit, before }) {
      try {
        return q.readAudit.all(before ?? Number.MAX_SAFE_INTEGER, limit).map(auditOf)
      } catch (err) {
        storeFault(err)
      }
    },
    watch(listener) {
      listeners.add(listener)
      if (timer === undefined && !closed) {
        seen = { data: db.pragma('data_version', { simple: true }) as number, version: readVersion() }
        timer = setInterval(poll, pollInterval)
        timer.unref()
      }
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && timer !== undefined) {
          clearInterval(timer)
          timer = undefined
        }
      }
    },
    async close() {
      if (closed) return
      closed = true
      if (timer !== undefined) clearInterval(timer)
      listeners.clear()
      db.close()
    },
  }
}
