import type { SecretRecord, TokenRecord } from '@hivegate/access'

/** Epoch ms as ISO time to the second, or `-`. */
export function time(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Left-aligned columns under a header line; control characters in values are shown escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  // eslint-disable-next-line no-control-regex
  const clean = (cell: string): string => cell.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  const all = [header, ...rows].map((row) => row.map(clean))
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)))
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n')
}

export const SECRET_HEADER = ['KID', 'ALG', 'STATUS', 'CREATED', 'CHANGED'] as const

export function secretRow(s: SecretRecord): string[] {
  return [s.kid, s.alg, s.status, time(s.createdAt), time(s.statusAt)]
}

export const TOKEN_HEADER = ['ID', 'NAME', 'SUB', 'TND', 'STATUS', 'CREATED', 'EXPIRES', 'LAST USED'] as const

/** `revoked`, `expired` or `active`. */
export function tokenStatus(t: TokenRecord, now = Date.now()): string {
  if (t.revokedAt !== undefined) return 'revoked'
  if (t.expiresAt !== undefined && t.expiresAt <= now) return 'expired'
  return 'active'
}

export function tokenRow(t: TokenRecord): string[] {
  return [t.id, t.name, t.sub ?? '-', t.tnd ?? '-', tokenStatus(t), time(t.createdAt), t.expiresAt === undefined ? 'never' : time(t.expiresAt), time(t.lastUsedAt)]
}

/** Every field of a token record, one per line (never the token itself: it is not stored). */
export function tokenDetails(t: TokenRecord): string {
  return table(['FIELD', 'VALUE'], [
    ['id (jti)', t.id], ['name', t.name], ['sub', t.sub ?? '-'], ['tnd', t.tnd ?? '-'],
    ['per', t.per === undefined ? '-' : JSON.stringify(t.per)], ['dpv', t.dpv === undefined ? '-' : JSON.stringify(t.dpv)],
    ['kid', t.kid], ['status', tokenStatus(t)], ['created', `${time(t.createdAt)} by ${t.createdBy}`],
    ['expires', t.expiresAt === undefined ? 'never' : time(t.expiresAt)],
    ['revoked', t.revokedAt === undefined ? '-' : `${time(t.revokedAt)} by ${t.revokedBy ?? '-'}`], ['last used', time(t.lastUsedAt)],
  ])
}

/** JSON for `--json`, one document on one line plus a newline. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2)
}
