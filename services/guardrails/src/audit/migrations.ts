/**
 * Audit schema, applied in order and recorded in audit_migrations. The same SQL runs on PostgreSQL and
 * PGlite. The log is append-only in the database itself: UPDATE, DELETE and TRUNCATE raise P0001,
 * except the retention purge, which may delete only rows older than the configured retention, and only
 * from a session that set `aloe.retention_purge`.
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
];
