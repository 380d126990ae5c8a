import type { Algorithm } from '@hivegate/core'
import type { AuditEntry, ConnectionKick, SecretStatus, StoredSecret, TokenRecord } from '../records.js'

export interface SecretRow { kid: string; alg: string; status: string; created_at: number; status_at: number; sealed: string }
export interface TokenRow {
  id: string; name: string; sub: string | null; tnd: string | null; per: string | null; dpv: string | null; kid: string
  created_at: number; created_by: string; expires_at: number | null; revoked_at: number | null; revoked_by: string | null; last_used_at: number | null
}
export interface KickRow { seq: number; at: number; by: string; sub: string | null; tnd: string | null; jti: string | null }
export interface AuditRow { seq: number; at: number; actor: string; action: string; target: string; detail: string }

const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value)

export function secretOf(row: SecretRow): StoredSecret {
  return Object.freeze({
    kid: row.kid, alg: row.alg as Algorithm, status: row.status as SecretStatus, createdAt: row.created_at, statusAt: row.status_at, sealed: row.sealed,
  })
}

export function tokenOf(row: TokenRow): TokenRecord {
  return Object.freeze({
    id: row.id,
    name: row.name,
    sub: orUndefined(row.sub),
    tnd: orUndefined(row.tnd),
    per: row.per === null ? undefined : JSON.parse(row.per),
    dpv: row.dpv === null ? undefined : JSON.parse(row.dpv),
    kid: row.kid,
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: orUndefined(row.expires_at),
    revokedAt: orUndefined(row.revoked_at),
    revokedBy: orUndefined(row.revoked_by),
    lastUsedAt: orUndefined(row.last_used_at),
  })
}

export function tokenRow(token: TokenRecord): TokenRow {
  return {
    id: token.id,
    name: token.name,
    sub: token.sub ?? null,
    tnd: token.tnd ?? null,
    per: token.per === undefined ? null : JSON.stringify(token.per),
    dpv: token.dpv === undefined ? null : JSON.stringify(token.dpv),
    kid: token.kid,
    created_at: token.createdAt,
    created_by: token.createdBy,
    expires_at: token.expiresAt ?? null,
    revoked_at: token.revokedAt ?? null,
    revoked_by: token.revokedBy ?? null,
    last_used_at: token.lastUsedAt ?? null,
  }
}

export function auditOf(row: AuditRow): AuditEntry {
  return Object.freeze({ ...row, action: row.action as AuditEntry['action'] })
}

export function kickOf(row: KickRow): ConnectionKick {
  return Object.freeze({
    seq: row.seq, at: row.at, by: row.by,
    ...(row.sub !== null && { sub: row.sub }), ...(row.tnd !== null && { tnd: row.tnd }), ...(row.jti !== null && { jti: row.jti }),
  })
}
