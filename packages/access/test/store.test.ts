import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { createVerifier, isAuthError } from '@hivegate/core'
import { AccessError, createSqliteStore, MAX_KICKS } from '@hivegate/access'
import { ISSUER, openRegistry, tempDir } from './fixture.js'

const WRITER = fileURLToPath(new URL('./writer.mjs', import.meta.url))

function runWriter(path: string, ...args: string[]) {
  const child = spawn(process.execPath, [WRITER, path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  return { child, lines: createInterface({ input: child.stdout }), stderr: () => stderr }
}

describe('access store on SQLite', () => {
  const tmp = tempDir()
  after(() => tmp.cleanup())

  it('keeps every revocation and secret status across a restart', async () => {
    const path = tmp.file('restart.db')
    const first = await openRegistry(path)
    await first.registry.createSecret({ kid: 'old' }, 'test')
    const kept = await first.registry.createToken({ name: 'kept' }, 'test')
    const revoked = await first.registry.createToken({ name: 'gone' }, 'test')
    await first.registry.rotateSecret({ kid: 'new' }, 'test')
    await first.registry.revokeToken(revoked.record.id, 'test')
    await first.close()

    const second = await openRegistry(path, first.clock)
    try {
      const { registry } = second
      expect(registry.listSecrets().map((s) => [s.kid, s.status])).to.deep.equal([['old', 'retiring'], ['new', 'active']])
      const verifier = createVerifier({ issuer: ISSUER, keys: registry.keys, revocations: registry.revocations, isRevoked: registry.isRevoked, clock: second.clock })
      await verifier.verify(kept.value)
      const err = await verifier.verify(revoked.value).catch((e: unknown) => e)
      expect(isAuthError(err) && err.code).to.equal('token_revoked')
      expect(registry.revocations.has(revoked.record.id)).to.equal(true)
    } finally {
      await second.close()
    }
  })

  it('sees a revocation committed by another process without a restart', async () => {
    const path = tmp.file('two.db')
    const open = await openRegistry(path)
    try {
      await open.registry.createSecret({}, 'test')
      const { record } = await open.registry.createToken({ name: 'shared' }, 'test')
      const kicked = new Promise((resolve) => open.registry.revocations.onRevoke(resolve))
      const writer = runWriter(path, 'revoke', record.id)
      const [code] = await once(writer.child, 'exit')
      expect(code, writer.stderr()).to.equal(0)
      expect(await kicked).to.equal(record.id)
      expect(open.registry.isRevoked({ jti: record.id })).to.equal(true)
    } finally {
      await open.close()
    }
  })

  it('passes a close-connections request to another registry on the same file, once', async () => {
    const path = tmp.file('kick.db')
    const a = await openRegistry(path)
    const b = await openRegistry(path)
    try {
      const seen: unknown[] = []
      const first = new Promise((resolve) => b.registry.onCloseConnections((selector) => (seen.push(selector), resolve(selector))))
      await a.registry.closeConnections({ jti: 'some-jti' }, 'alice')
      expect(await first).to.deep.equal({ jti: 'some-jti' })
      await b.registry.refresh()
      expect(seen).to.have.length(1)
      const err = await a.registry.closeConnections({}, 'alice').catch((e: unknown) => e)
      expect((err as AccessError).field).to.equal('sub')
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('keeps only the latest close-connections requests', async () => {
    const open = await openRegistry(tmp.file('kicks.db'))
    try {
      for (let i = 0; i < MAX_KICKS + 5; i++) await open.registry.closeConnections({ sub: `s${i}` }, 'test')
      const { kicks } = await open.store.load()
      expect(kicks).to.have.length(MAX_KICKS)
      expect(kicks.at(-1)!.sub).to.equal(`s${MAX_KICKS + 4}`)
    } finally {
      await open.close()
    }
  })

  it('opens cleanly after kill -9 in the middle of writes, with every committed change', async function () {
    this.timeout(20_000)
    const path = tmp.file('kill.db')
    const setup = await openRegistry(path)
    await setup.registry.createSecret({}, 'test')
    await setup.close()
    const writer = runWriter(path, 'bulk')
    const committed: string[] = []
    for await (const line of writer.lines) {
      committed.push(line)
      if (committed.length === 200) break
    }
    writer.child.kill('SIGKILL')
    await once(writer.child, 'exit')

    const db = new Database(path)
    try {
      expect(db.pragma('integrity_check', { simple: true })).to.equal('ok')
    } finally {
      db.close()
    }
    const reopened = await openRegistry(path)
    try {
      const ids = new Set((await reopened.registry.listTokens()).map((t) => t.id))
      for (const id of committed) expect(ids.has(id), id).to.equal(true)
      const audit = await reopened.registry.readAudit({ limit: 500 })
      expect(audit.filter((a) => a.action === 'token.create').length).to.equal(ids.size)
    } finally {
      await reopened.close()
    }
  })

  it('keeps serving the last state when the store cannot be read, and says so', async () => {
    const open = await openRegistry(tmp.file('fault.db'))
    await open.registry.createSecret({}, 'test')
    const { record, value } = await open.registry.createToken({ name: 'a' }, 'test')
    await open.registry.revokeToken(record.id, 'test')
    await open.store.close()
    await open.registry.refresh()
    expect(open.events.map((e) => e.type)).to.include('access_refresh_failed')
    expect(open.registry.isRevoked({ jti: record.id })).to.equal(true)
    const failed = await open.registry.createToken({ name: 'b' }, 'test').catch((e: unknown) => e)
    expect(failed).to.be.instanceOf(AccessError)
    expect((failed as AccessError).status).to.equal(503)
    expect((failed as AccessError).message).to.not.contain(value)
    await open.registry.close()
  })

  it('refuses a store that went back in time instead of forgetting revocations', async () => {
    const path = tmp.file('regress.db')
    const open = await openRegistry(path)
    try {
      await open.registry.createSecret({}, 'test')
      const { record } = await open.registry.createToken({ name: 'a' }, 'test')
      await open.registry.revokeToken(record.id, 'test')
      const db = new Database(path)
      db.prepare("UPDATE meta SET value = '1' WHERE name = 'version'").run()
      db.prepare('UPDATE tokens SET revoked_at = NULL').run()
      db.close()
      await open.registry.refresh()
      expect(open.events.map((e) => e.type)).to.include('access_store_regressed')
      expect(open.registry.isRevoked({ jti: record.id })).to.equal(true)
    } finally {
      await open.close()
    }
  })

  it('refuses a file from a newer hivegate and names the store option', () => {
    const path = tmp.file('newer.db')
    const db = new Database(path)
    db.pragma('user_version = 99')
    db.close()
    expect(() => createSqliteStore(path)).to.throw(AccessError, /schema version 99/)
    expect(() => createSqliteStore('')).to.throw(TypeError, /"store"/)
    expect(() => createSqliteStore(path, { pollInterval: 0 })).to.throw(RangeError, /"pollInterval"/)
  })
})
