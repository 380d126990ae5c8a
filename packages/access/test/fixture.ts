import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createManualClock, type ManualClock } from '@hivegate/core'
import { createAccessRegistry, createSqliteStore, type AccessEvent, type AccessRegistry, type AccessStore } from '@hivegate/access'

export const OPERATOR_KEY = 'k'.repeat(43).replace(/k/g, 'A') // 32 zero bytes, base64url
export const ISSUER = 'access.test'

/** A temporary directory removed by `cleanup`. */
export function tempDir(): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hivegate-access-'))
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface OpenRegistry {
  registry: AccessRegistry
  store: AccessStore
  clock: ManualClock
  events: AccessEvent[]
  close(): Promise<void>
}

/** A registry on a SQLite file, with a manual clock and its events collected. */
export async function openRegistry(path: string, clock: ManualClock = createManualClock(Date.parse('2030-01-01'))): Promise<OpenRegistry> {
  const store = createSqliteStore(path, { pollInterval: 20 })
  const events: AccessEvent[] = []
  const registry = await createAccessRegistry({ store, operatorKey: OPERATOR_KEY, issuer: ISSUER, clock, onEvent: (e) => events.push(e) })
  return {
    registry, store, clock, events,
    async close() {
      await registry.close()
      await store.close()
    },
  }
}

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createSigner, createVerifier, type Verifier } from '@hivegate/core'
import { createAccessAdmin, type AccessAdmin } from '@hivegate/access'

export const ADMIN_SECRET = 'admin-secret-for-tests-only-0123456789abcdef'

/** A token signed by the configured admin secret with these claims (default: full access rights). */
export function adminToken(claims: Record<string, unknown> = { sub: 'alice', per: { hivegate: { 'access/*': 'CRUD' } } }, clock?: ManualClock): string {
  return createSigner({ secret: ADMIN_SECRET, kid: 'admin', issuer: ISSUER, ttl: '1h', ...(clock !== undefined && { clock }) }).sign(claims)
}

export interface AdminServer extends OpenRegistry {
  verifier: Verifier
  admin: AccessAdmin
  server: Server
  url: string
}

/** A registry, a verifier reading it (plus the admin secret), and the admin handler on a real server. */
export async function startAdmin(path: string): Promise<AdminServer> {
  const open = await openRegistry(path)
  const { registry, clock } = open
  const verifier = createVerifier({
    issuer: ISSUER, clock, keys: { secrets: { admin: ADMIN_SECRET }, ...registry.keys }, revocations: registry.revocations, isRevoked: registry.isRevoked,
  })
  const admin = createAccessAdmin({ registry, verifier, clock })
  const server = createServer((req, res) => admin.handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    ...open, verifier, admin, server, url,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await open.close()
    },
  }
}
