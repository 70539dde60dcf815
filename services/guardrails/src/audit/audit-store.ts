import {
  type ChainedRow,
  type ChainVerdict,
  computeRowHash,
  GENESIS_HASH,
  type StoredRow,
  verifyChain,
} from './hash-chain.js';
import { MIGRATIONS } from './migrations.js';
import type { SqlClient } from './sql-client.js';

export type AuditEntry = Omit<ChainedRow, 'seq'>;

export interface AppendResult {
  seq: number;
  rowHash: string;
  /** True when an entry with the same dedupe key was already logged (a redelivered message). */
  duplicate: boolean;
}

export interface AuditSearch {
  patientPseudonym?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  modelId?: string | undefined;
  verdict?: string | undefined;
  ruleId?: string | undefined;
  kind?: ChainedRow['kind'] | undefined;
  limit?: number;
  afterSeq?: number;
}

interface DbRow {
  seq: string | number;
  kind: ChainedRow['kind'];
  dedupe_key: string;
  recorded_at: Date | string;
  patient_pseudonym: string;
  model_id: string | null;
  verdict: string | null;
  rule_ids: string[];
  payload: unknown;
  prev_hash: string;
  row_hash: string;
}

const toStoredRow = (row: DbRow): StoredRow => ({
  seq: Number(row.seq),
  kind: row.kind,
  dedupeKey: row.dedupe_key,
  recordedAt: new Date(row.recorded_at).toISOString(),
  patientPseudonym: row.patient_pseudonym,
  modelId: row.model_id,
  verdict: row.verdict,
  ruleIds: row.rule_ids ?? [],
  payload: row.payload,
  prevHash: row.prev_hash,
  rowHash: row.row_hash,
});

/**
 * The compliance audit log (ARCHITECTURE §7): one row per decision and per clinician feedback, each
 * carrying the hash of the row before it. Appends are serialised by a table lock so the chain has one
 * order across replicas; a dedupe key (context id, feedback id) makes a redelivered message a no-op.
 */
export function createAuditStore(db: SqlClient) {
  return {
    /** Applies the migrations not yet applied. */
    async migrate(): Promise<void> {
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
    },

    async append(entry: AuditEntry): Promise<AppendResult> {
      return db.transaction(async (tx) => {
        await tx.exec('LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE');
        const existing = await tx.query<{ seq: string; row_hash: string }>(
          'SELECT seq, row_hash FROM audit_log WHERE dedupe_key = $1',
          [entry.dedupeKey],
        );
        if (existing[0])
          return { seq: Number(existing[0].seq), rowHash: existing[0].row_hash, duplicate: true };
        const [last] = await tx.query<{ seq: string; row_hash: string }>(
          'SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1',
        );
        const [anchor] = last
          ? []
          : await tx.query<{ seq: string; row_hash: string }>('SELECT seq, row_hash FROM audit_anchor');
        const previous = last ?? anchor;
        const seq = previous ? Number(previous.seq) + 1 : 1;
        const prevHash = previous?.row_hash ?? GENESIS_HASH;
        const row: ChainedRow = { seq, ...entry, recordedAt: new Date(entry.recordedAt).toISOString() };
        const rowHash = computeRowHash(prevHash, row);
        await tx.query(
          `INSERT INTO audit_log (seq, kind, dedupe_key, recorded_at, patient_pseudonym, model_id, verdict, rule_ids, payload, prev_hash, row_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            seq,
            row.kind,
            row.dedupeKey,
            row.recordedAt,
            row.patientPseudonym,
            row.modelId,
            row.verdict,
            row.ruleIds,
            JSON.stringify(row.payload),
            prevHash,
            rowHash,
          ],
        );
        return { seq, rowHash, duplicate: false };
      });
    },

    async search(filters: AuditSearch): Promise<StoredRow[]> {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (clause: string, value: unknown) => {
        params.push(value);
        where.push(clause.replace('?', `$${params.length}`));
      };
      if (filters.patientPseudonym) add('patient_pseudonym = ?', filters.patientPseudonym);
      if (filters.from) add('recorded_at >= ?', filters.from);
      if (filters.to) add('recorded_at < ?', filters.to);
      if (filters.modelId) add('model_id = ?', filters.modelId);
      if (filters.verdict) add('verdict = ?', filters.verdict);
      if (filters.ruleId) add('? = ANY (rule_ids)', filters.ruleId);
      if (filters.kind) add('kind = ?', filters.kind);
      if (filters.afterSeq !== undefined) add('seq > ?', filters.afterSeq);
      params.push(Math.min(filters.limit ?? 100, 1_000));
      const rows = await db.query<DbRow>(
        `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT $${params.length}`,
        params,
      );
      return rows.map(toStoredRow);
    },

    /** The row logged for a dedupe key (a context id, a feedback id), if any. */
    async findByDedupeKey(dedupeKey: string): Promise<StoredRow | undefined> {
      const [row] = await db.query<DbRow>('SELECT * FROM audit_log WHERE dedupe_key = $1', [dedupeKey]);
      return row ? toStoredRow(row) : undefined;
    },

    async get(seq: number): Promise<StoredRow | undefined> {
      const [row] = await db.query<DbRow>('SELECT * FROM audit_log WHERE seq = $1', [seq]);
      return row ? toStoredRow(row) : undefined;
    },

    /** Every row in chain order, a page at a time (exports, verification). */
    async *rows(pageSize = 1_000): AsyncGenerator<StoredRow> {
      let afterSeq = 0;
      for (;;) {
        const page = await db.query<DbRow>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
          afterSeq,
          pageSize,
        ]);
        for (const row of page) yield toStoredRow(row);
        if (page.length < pageSize) return;
        afterSeq = Number(page.at(-1)!.seq);
      }
    },

    /** Recomputes the whole chain from its anchor and names the first broken row. */
    async verify(): Promise<ChainVerdict> {
      const [anchor] = await db.query<{ seq: string; row_hash: string }>(
        'SELECT seq, row_hash FROM audit_anchor',
      );
      const rows: StoredRow[] = [];
      for await (const row of this.rows()) rows.push(row);
      return verifyChain(rows, anchor ? { seq: Number(anchor.seq), hash: anchor.row_hash } : undefined);
    },

    /**
     * Deletes rows older than the retention (HIPAA: 6 years; EU AI Act: at least 6 months), oldest
     * first, and records the last deleted row as the chain's new anchor, so verify still works.
     */
    async purgeExpired(retentionDays: number): Promise<number> {
      return db.transaction(async (tx) => {
        await tx.exec('LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE');
        const [last] = await tx.query<{ seq: string; row_hash: string }>(
          `SELECT seq, row_hash FROM audit_log WHERE recorded_at < now() - make_interval(days => $1::int) ORDER BY seq DESC LIMIT 1`,
          [retentionDays],
        );
        if (!last) return 0;
        await tx.query(`SELECT set_config('aloe.retention_purge', $1, true)`, [String(retentionDays)]);
        const deleted = await tx.query<{ seq: string }>(
          'DELETE FROM audit_log WHERE seq <= $1 RETURNING seq',
          [last.seq],
        );
        await tx.query(
          `INSERT INTO audit_anchor (id, seq, row_hash, purged_at) VALUES (TRUE, $1, $2, now())
           ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, row_hash = EXCLUDED.row_hash, purged_at = EXCLUDED.purged_at`,
          [last.seq, last.row_hash],
        );
        return deleted.length;
      });
    },
  };
}
export type AuditStore = ReturnType<typeof createAuditStore>;
