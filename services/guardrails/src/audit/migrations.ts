import type { SqlClient } from './sql-client.js';

/** Owns the audit tables and the purge function; no login. A DBA's migration login is a member of it. */
export const AUDIT_OWNER_ROLE = 'aloe_audit_owner';
/** What the service works as: SELECT and INSERT, and the purge function. Its login is a member of it. */
export const AUDIT_APP_ROLE = 'aloe_audit_app';
/** pg_advisory_xact_lock key that serialises appends, checkpoints and purges ('aloe'): the app role may not LOCK TABLE. */
export const AUDIT_LOCK_KEY = 0x616c6f65;

/**
 * Audit schema, applied in order and recorded in audit_migrations. The same SQL runs on PostgreSQL and
 * PGlite. The log is append-only in the database itself: UPDATE, DELETE and TRUNCATE raise P0001, and
 * from 004 on the service's role holds only SELECT and INSERT. Rows leave only through
 * audit_purge_expired(), which deletes only rows past the retention (never under 183 days) and records
 * the signed anchor the chain then starts from.
 */
export const MIGRATIONS: ReadonlyArray<{ id: string; sql: string }> = [
  {
    id: '001_audit_log',
    sql: `
CREATE TABLE audit_log (
  seq               BIGINT PRIMARY KEY,
  kind              TEXT NOT NULL CHECK (kind IN ('decision', 'feedback')),
  dedupe_key        TEXT NOT NULL UNIQUE,
  recorded_at       TIMESTAMPTZ NOT NULL,
  patient_pseudonym TEXT NOT NULL,
  model_id          TEXT,
  verdict           TEXT CHECK (verdict IN ('allow', 'warn', 'block')),
  rule_ids          TEXT[] NOT NULL DEFAULT '{}',
  payload           JSONB NOT NULL,
  prev_hash         TEXT NOT NULL,
  row_hash          TEXT NOT NULL
);
CREATE INDEX audit_log_patient ON audit_log (patient_pseudonym, recorded_at);
CREATE INDEX audit_log_recorded ON audit_log (recorded_at);
CREATE INDEX audit_log_model ON audit_log (model_id);
CREATE INDEX audit_log_rules ON audit_log USING GIN (rule_ids);

-- Where the chain starts after a retention purge: the last purged row's seq and hash.
CREATE TABLE audit_anchor (
  id        BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
  seq       BIGINT NOT NULL,
  row_hash  TEXT NOT NULL,
  purged_at TIMESTAMPTZ NOT NULL
);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('aloe.retention_purge', true) IS NOT NULL
     AND OLD.recorded_at < now() - make_interval(days => current_setting('aloe.retention_purge', true)::int) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'P0001';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
`,
  },
  {
    // EHR reads and writes reported by the fhir-adapter on aloe.audit.v1 join the same chain.
    id: '002_access_events',
    sql: `
ALTER TABLE audit_log DROP CONSTRAINT audit_log_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_kind_check CHECK (kind IN ('decision', 'feedback', 'access'));
`,
  },
  {
    // One analysis per chart state: a patient's newest decision is compared with each new context.
    id: '003_latest_decision',
    sql: `
CREATE INDEX audit_log_latest_decision ON audit_log (patient_pseudonym, seq DESC) WHERE kind = 'decision';
`,
  },
  {
    id: '004_roles_and_signatures',
    sql: `
-- Roles are cluster-wide: another database of the cluster, or a DBA, may have created them already.
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${AUDIT_OWNER_ROLE}') THEN
    CREATE ROLE ${AUDIT_OWNER_ROLE} NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- a concurrent migration made it first
END $$;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${AUDIT_APP_ROLE}') THEN
    CREATE ROLE ${AUDIT_APP_ROLE} NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

-- Each row carries the service's signature of its seq and hash: a row written behind its back has none.
ALTER TABLE audit_log ADD COLUMN key_id TEXT, ADD COLUMN signature TEXT;
-- Anchors written before 004 have no signature; verify names them until the next purge signs one.
ALTER TABLE audit_anchor ADD COLUMN key_id TEXT, ADD COLUMN signature TEXT;

-- The newest row's seq and hash, signed at an interval and with every export.
CREATE TABLE audit_checkpoint (
  seq       BIGINT NOT NULL,
  row_hash  TEXT NOT NULL,
  signed_at TIMESTAMPTZ NOT NULL,
  key_id    TEXT NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (seq, signed_at)
);

-- No session setting unlocks a delete any more: only the owner role (the purge function runs as it),
-- and only for rows older than the 183-day floor.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_user = '${AUDIT_OWNER_ROLE}'
     AND OLD.recorded_at < now() - interval '183 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'P0001';
END
$$;

CREATE FUNCTION audit_anchor_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') AND current_user = '${AUDIT_OWNER_ROLE}' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_anchor is written only by audit_purge_expired(): % refused', TG_OP USING ERRCODE = 'P0001';
END
$$;
CREATE TRIGGER audit_anchor_purge_only BEFORE INSERT OR UPDATE OR DELETE ON audit_anchor
  FOR EACH ROW EXECUTE FUNCTION audit_anchor_refuse_change();
CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor
  FOR EACH STATEMENT EXECUTE FUNCTION audit_anchor_refuse_change();

CREATE FUNCTION audit_checkpoint_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_checkpoint is append-only: % refused', TG_OP USING ERRCODE = 'P0001';
END
$$;
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
  FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_refuse_change();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
  FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoint_refuse_change();

-- The one way rows leave the log (HIPAA: 6 years; EU AI Act Art. 19: at least 6 months). The caller
-- names the last row to purge and passes the anchor's signature (made with the service's key, which
-- the database never sees); the function checks every row up to it is past the retention.
CREATE FUNCTION audit_purge_expired(
  p_retention_days INT, p_last_seq BIGINT, p_last_row_hash TEXT, p_signed_at TIMESTAMPTZ, p_key_id TEXT, p_signature TEXT
) RETURNS BIGINT LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  deleted BIGINT;
BEGIN
  IF p_retention_days IS NULL OR p_retention_days < 183 THEN
    RAISE EXCEPTION 'the audit retention must be at least 183 days (got %)', p_retention_days USING ERRCODE = '22023';
  END IF;
  PERFORM pg_advisory_xact_lock(${AUDIT_LOCK_KEY});
  IF NOT EXISTS (SELECT 1 FROM audit_log WHERE seq = p_last_seq AND row_hash = p_last_row_hash) THEN
    RAISE EXCEPTION 'audit_log has no row % with that hash', p_last_seq USING ERRCODE = '22023';
  END IF;
  IF EXISTS (SELECT 1 FROM audit_log WHERE seq <= p_last_seq
             AND recorded_at >= now() - make_interval(days => p_retention_days)) THEN
    RAISE EXCEPTION 'rows up to % are not all older than % days', p_last_seq, p_retention_days USING ERRCODE = '22023';
  END IF;
  DELETE FROM audit_log WHERE seq <= p_last_seq;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  INSERT INTO audit_anchor (id, seq, row_hash, purged_at, key_id, signature)
    VALUES (TRUE, p_last_seq, p_last_row_hash, p_signed_at, p_key_id, p_signature)
    ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, row_hash = EXCLUDED.row_hash,
      purged_at = EXCLUDED.purged_at, key_id = EXCLUDED.key_id, signature = EXCLUDED.signature;
  RETURN deleted;
END
$$;
-- A SECURITY DEFINER function resolves names only in its own schema, never in a caller's temp tables.
DO $$ BEGIN
  EXECUTE format('ALTER FUNCTION audit_purge_expired(INT, BIGINT, TEXT, TIMESTAMPTZ, TEXT, TEXT) SET search_path = %I, pg_temp', current_schema());
END $$;

ALTER TABLE audit_log OWNER TO ${AUDIT_OWNER_ROLE};
ALTER TABLE audit_anchor OWNER TO ${AUDIT_OWNER_ROLE};
ALTER TABLE audit_checkpoint OWNER TO ${AUDIT_OWNER_ROLE};
ALTER FUNCTION audit_log_refuse_change() OWNER TO ${AUDIT_OWNER_ROLE};
ALTER FUNCTION audit_anchor_refuse_change() OWNER TO ${AUDIT_OWNER_ROLE};
ALTER FUNCTION audit_checkpoint_refuse_change() OWNER TO ${AUDIT_OWNER_ROLE};
ALTER FUNCTION audit_purge_expired(INT, BIGINT, TEXT, TIMESTAMPTZ, TEXT, TEXT) OWNER TO ${AUDIT_OWNER_ROLE};

REVOKE ALL ON audit_log, audit_anchor, audit_checkpoint FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_purge_expired(INT, BIGINT, TEXT, TIMESTAMPTZ, TEXT, TEXT) FROM PUBLIC;
GRANT SELECT, INSERT ON audit_log, audit_checkpoint TO ${AUDIT_APP_ROLE};
GRANT SELECT ON audit_anchor TO ${AUDIT_APP_ROLE};
GRANT EXECUTE ON FUNCTION audit_purge_expired(INT, BIGINT, TEXT, TIMESTAMPTZ, TEXT, TEXT) TO ${AUDIT_APP_ROLE};
`,
  },
  {
    // A go-live validation report's hashes join the chain as evidence (POST /v1/audit/evidence).
    id: '005_evidence_kind',
    sql: `
ALTER TABLE audit_log DROP CONSTRAINT audit_log_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_kind_check CHECK (kind IN ('decision', 'feedback', 'access', 'evidence'));
`,
  },
];

/** Applies the migrations not yet applied, each in its own transaction. Needs the owner role or a superuser. */
export async function migrateAuditSchema(db: SqlClient): Promise<void> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS audit_migrations (id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
  );
  const applied = new Set(
    (await db.query<{ id: string }>('SELECT id FROM audit_migrations')).map((row) => row.id),
  );
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.id)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO audit_migrations (id) VALUES ($1)', [migration.id]);
    });
  }
}
