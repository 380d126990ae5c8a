import { expect } from 'chai'
import Database from 'better-sqlite3'
import { createVerifier, isAuthError, type Verifier } from '@hivegate/core'
import { AccessError, createSqliteStore, createAccessRegistry, type AccessRegistry } from '@hivegate/access'
import { ISSUER, OPERATOR_KEY, openRegistry, tempDir, type OpenRegistry } from './fixture.js'

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    if (isAuthError(err)) return err.code
    throw err
  }
  throw new Error('expected a refusal')
}

async function inputError(promise: Promise<unknown> | (() => unknown)): Promise<AccessError> {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (err) {
    if (err instanceof AccessError) return err
    throw err
  }
  throw new Error('expected an AccessError')
}

describe('access registry', () => {
  const tmp = tempDir()
  let open: OpenRegistry
  let verifier: Verifier

  beforeEach(async () => {
    open = await openRegistry(tmp.file(`r-${Math.random().toString(36).slice(2)}.db`))
    const { registry, clock } = open
    verifier = createVerifier({ issuer: ISSUER, keys: registry.keys, revocations: registry.revocations, isRevoked: registry.isRevoked, clock })
  })
  afterEach(() => open.close())
  after(() => tmp.cleanup())

  it('verifies a static token created after start, with its claims', async () => {
    await open.registry.createSecret({}, 'test')
    const { record, value } = await open.registry.createToken({ name: 'ci', sub: 'svc-ci', tnd: 'acme', per: { london: { 'riders/*': 'R' } } }, 'test')
    const context = await verifier.verify(value)
    expect(context.claims.jti).to.equal(record.id)
    expect(context.claims.sub).to.equal('svc-ci')
    expect(context.claims.exp).to.equal(undefined)
    expect(context.can('london', 'riders/7', 'R')).to.equal(true)
  })

  it('refuses a revoked token at once, also when its verification was cached, and kicks its connections', async () => {
    await open.registry.createSecret({}, 'test')
    const { record, value } = await open.registry.createToken({ name: 'leaked' }, 'test')
    await verifier.verify(value)
    const kicked: string[] = []
    open.registry.revocations.onRevoke((jti) => kicked.push(jti))
    const revoked = await open.registry.revokeToken(record.id, 'alice')
    expect(revoked.revokedBy).to.equal('alice')
    expect(revoked.revokedAt).to.equal(open.clock.now())
    expect(kicked).to.deep.equal([record.id])
    expect(await refusal(verifier.verify(value))).to.equal('token_revoked')
  })

  it('keeps verifying a rotated secret while it retires, and refuses it once retired', async () => {
    const first = await open.registry.createSecret({ kid: 'one' }, 'test')
    const { value } = await open.registry.createToken({ name: 'old' }, 'test')
    const second = await open.registry.rotateSecret({ kid: 'two' }, 'test')
    expect(open.registry.listSecrets().map((s) => [s.kid, s.status])).to.deep.equal([['one', 'retiring'], ['two', 'active']])
    await verifier.verify(value)
    const fresh = await open.registry.createToken({ name: 'new' }, 'test')
    expect(fresh.record.kid).to.equal(second.record.kid)
    await open.registry.retireSecret(first.record.kid, 'test')
    expect(await refusal(verifier.verify(value))).to.not.equal(undefined)
    await verifier.verify(fresh.value)
  })

  it('refuses bad input naming the field, and writes nothing', async () => {
    await open.registry.createSecret({ kid: 'main' }, 'test')
    await open.registry.createToken({ name: 'taken' }, 'test')
    const version = open.registry.version
    const cases: Array<[unknown, string]> = [
      [{ name: 'taken' }, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 7 }, 'name'],
      [{ name: 'ok', per: '{"london": "R"}' }, 'per'],
      [{ name: 'ok', per: 'not json' }, 'per'],
      [{ name: 'ok', per: { london: { riders: 'X' } } }, 'per'],
      [{ name: 'ok', dpv: { london: 'riders' } }, 'dpv'],
      [{ name: 'ok', per: JSON.stringify({ a: { ['o'.repeat(9000)]: 'R' } }) }, 'per'],
      [{ name: 'ok', expiresIn: 'soon' }, 'expiresIn'],
      [{ name: 'ok', sub: ['a'] }, 'sub'],
      [{ name: 'ok', role: 'admin' }, 'role'],
      [[], 'a token'],
    ]
    for (const [input, field] of cases) {
      const err = await inputError(open.registry.createToken(input, 'test'))
      expect([err.code, err.field, err.status], JSON.stringify(input).slice(0, 80)).to.deep.equal(['invalid_input', field, 400])
      expect(err.message).to.contain(`"${field}"`)
    }
    expect((await inputError(open.registry.retireSecret('nope', 'test'))).field).to.equal('kid')
    expect((await inputError(open.registry.retireSecret('../x', 'test'))).field).to.equal('kid')
    expect((await inputError(open.registry.createSecret({ kid: 'main' }, 'test'))).field).to.equal('kid')
    expect((await inputError(open.registry.createSecret({ alg: 'RS256' }, 'test'))).field).to.equal('alg')
    expect((await inputError(open.registry.revokeToken('not-an-id', 'test'))).field).to.equal('id')
    expect((await inputError(open.registry.getToken('00000000-0000-4000-8000-000000000000'))).status).to.equal(404)
    expect(open.registry.version).to.equal(version)
    expect(await open.registry.readAudit()).to.have.length(2)
  })

  it('lets a name be reused once its token is revoked', async () => {
    await open.registry.createSecret({}, 'test')
    const first = await open.registry.createToken({ name: 'deploy' }, 'test')
    await open.registry.revokeToken(first.record.id, 'test')
    const second = await open.registry.createToken({ name: 'deploy' }, 'test')
    expect(second.record.id).to.not.equal(first.record.id)
  })

  it('says what to do when no secret is active', async () => {
    const err = await inputError(open.registry.createToken({ name: 'x' }, 'test'))
    expect(err.message).to.match(/create or rotate a secret/)
  })

  it('sets an expiry from expiresIn and keeps the token refused after revocation until then', async () => {
    await open.registry.createSecret({}, 'test')
    const { record, value } = await open.registry.createToken({ name: 'short', expiresIn: '1h' }, 'test')
    expect(record.expiresAt).to.equal(Math.floor(open.clock.now() / 1000) * 1000 + 3_600_000)
    await verifier.verify(value)
  })

  it('audits every change with who, what and when, and never a secret or a token', async () => {
    const secret = await open.registry.createSecret({ kid: 'a1' }, 'alice')
    const token = await open.registry.createToken({ name: 'svc' }, 'alice')
    await open.registry.rotateSecret({}, 'bob')
    await open.registry.revokeToken(token.record.id, 'bob')
    const audit = await open.registry.readAudit()
    expect(audit.map((a) => [a.actor, a.action])).to.deep.equal([['bob', 'token.revoke'], ['bob', 'secret.rotate'], ['alice', 'token.create'], ['alice', 'secret.create']])
    const text = JSON.stringify(audit)
    expect(text).to.not.contain(secret.value)
    expect(text).to.not.contain(token.value)
    expect(text).to.not.contain(token.value.split('.')[2])
    expect((await open.registry.readAudit({ limit: 1, before: audit[1]!.seq }))[0]!.action).to.equal('token.create')
  })

  it('keeps the audit trail append-only in the database itself', async () => {
    await open.registry.createSecret({}, 'alice')
    const path = open.store.description
    const db = new Database(path)
    try {
      expect(() => db.prepare("UPDATE audit SET actor = 'mallory'").run()).to.throw(/append-only/)
      expect(() => db.prepare('DELETE FROM audit').run()).to.throw(/append-only/)
    } finally {
      db.close()
    }
  })

  it('stores secret values sealed, never in the clear', async () => {
    const { value } = await open.registry.createSecret({}, 'test')
    const db = new Database(open.store.description, { readonly: true })
    try {
      const dump = JSON.stringify(db.prepare('SELECT * FROM secrets').all())
      expect(dump).to.not.contain(value)
      expect(dump).to.not.contain(Buffer.from(value).toString('base64url'))
    } finally {
      db.close()
    }
  })

  it('writes last-used times in one batch, not per request', async () => {
    await open.registry.createSecret({}, 'test')
    const { record, value } = await open.registry.createToken({ name: 'used' }, 'test')
    const used = open.clock.now()
    await verifier.verify(value)
    expect((await open.registry.getToken(record.id)).lastUsedAt).to.equal(undefined)
    open.clock.advance(5000)
    await verifier.verify(value)
    await open.registry.flushUsage()
    await open.registry.refresh()
    expect((await open.registry.getToken(record.id)).lastUsedAt).to.equal(used + 5000)
    expect((await open.registry.readAudit()).map((a) => a.action)).to.not.include('token.use')
  })

  it('refuses another operator key on a store made with the first', async () => {
    await open.registry.createSecret({}, 'test')
    const store = createSqliteStore(open.store.description)
    try {
      const err = await inputError(createAccessRegistry({ store, operatorKey: 'B'.repeat(43).replace(/B$/, 'A'), issuer: ISSUER }))
      expect(err.code).to.equal('operator_key_mismatch')
    } finally {
      await store.close()
    }
  })

  it('a change resolves after a read that sees it, even while an earlier read is under way', async () => {
    const file = tmp.file(`race-${Math.random().toString(36).slice(2)}.db`)
    // What a command does: open fail-closed, go on at the first read's outcome, change at once.
    const session = async <T>(work: (registry: AccessRegistry) => Promise<T>): Promise<T> => {
      const store = createSqliteStore(file)
      let firstRead: () => void = () => {}
      const read = new Promise<void>((resolve) => (firstRead = resolve))
      const registry = await createAccessRegistry({ store, operatorKey: OPERATOR_KEY, issuer: ISSUER, startup: 'fail-closed', onEvent: () => firstRead() })
      try {
        await Promise.race([read, registry.refresh().then(() => read)])
        return await work(registry)
      } finally {
        await registry.close()
        await store.close()
      }
    }
    const one = await session(async (registry) => {
      const { record } = await registry.createSecret({ kid: 'one' }, 'test')
      expect(registry.listSecrets().map((s) => s.kid)).to.deep.equal(['one'])
      await registry.rotateSecret({ kid: 'two' }, 'test')
      return record
    })
    await session(async (registry) => {
      expect((await registry.retireSecret(one.kid, 'test')).status).to.equal('retired')
      expect(registry.listSecrets().map((s) => `${s.kid}:${s.status}`)).to.deep.equal(['one:retired', 'two:active'])
    })
  })

  it('validates its options once, naming the option', async () => {
    const store = createSqliteStore(tmp.file('options.db'))
    try {
      for (const [options, name] of [
        [{ store, operatorKey: 'short', issuer: ISSUER }, 'operatorKey'],
        [{ store, operatorKey: 'A'.repeat(43), issuer: '' }, 'issuer'],
        [{ store: {}, operatorKey: 'A'.repeat(43), issuer: ISSUER }, 'store'],
        [{ store, operatorKey: 'A'.repeat(43), issuer: ISSUER, usageInterval: 0 }, 'usageInterval'],
      ] as const) {
        let message = ''
        await createAccessRegistry(options as never).catch((err: Error) => (message = err.message))
        expect(message).to.contain(`"${name}"`)
      }
    } finally {
      await store.close()
    }
  })
})
