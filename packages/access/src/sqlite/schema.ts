import type Database from 'better-sqlite3'

// Each entry moves the schema one version up; PRAGMA user_version records how far a file got.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
   INSERT INTO meta (name, value) VALUES ('version', '0');
   CREATE TABLE secrets (
     kid TEXT PRIMARY KEY,
     alg TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('active', 'retiring', 'retired')),
     created_at INTEGER NOT NULL,
     status_at INTEGER NOT NULL,
     sealed TEXT NOT NULL
   ) STRICT;
   CREATE TABLE tokens (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     sub TEXT, tnd TEXT, per TEXT, dpv TEXT,
     kid TEXT NOT NULL REFERENCES secrets (kid),
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     expires_at INTEGER,
     revoked_at INTEGER,
     revoked_by TEXT,
     last_used_at INTEGER
   ) STRICT;
   CREATE UNIQUE INDEX tokens_live_name ON tokens (name) WHERE revoked_at IS NULL;
   CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT NOT NULL,
     detail TEXT NOT NULL
   ) STRICT;
   CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
   CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;`,
  `CREATE TABLE kicks (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     by TEXT NOT NULL,
     sub TEXT, tnd TEXT, jti TEXT
   ) STRICT;`,
]

/** Schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length

/** Brings the file to {@link SCHEMA_VERSION}, each step in its own transaction; refuses a newer file. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > SCHEMA_VERSION) {
    throw new Error(`the access store has schema version ${current}, newer than this hivegate knows (${SCHEMA_VERSION}); upgrade hivegate`)
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!)
      db.pragma(`user_version = ${version + 1}`)
    }).immediate()
  }
}
