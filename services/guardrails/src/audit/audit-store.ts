import type { KeyObject } from 'node:crypto';
import { createAuditIntegrity } from './audit-integrity.js';
import { type DbRow, readRows, toStoredRow } from './audit-rows.js';
import { type ChainedRow, computeRowHash, GENESIS_HASH, type StoredRow } from './hash-chain.js';
import { AUDIT_LOCK_KEY, migrateAuditSchema } from './migrations.js';
import { createKeyring, createSigner, DEVELOPMENT_SIGNING_KEY } from './signing.js';
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
  /** Rows up to this seq only (an export stops at the checkpoint it signed). */
  throughSeq?: number;
}

/** A period of recorded_at: from inclusive, to exclusive (as the search filters). */
export interface AuditPeriod {
  from?: string | undefined;
  to?: string | undefined;
}

/** How many rows carry one value (null: the row has none, e.g. no model). */
export interface AuditCount {
  key: string | null;
  count: number;
}

/** The log at a glance over a period: each list by count, highest first. */
export interface AuditStats {
  /** Decision rows in the period. */
  decisions: number;
  /** Decisions by verdict, rule id (decisions citing it) and model id. */
  byVerdict: AuditCount[];
  byRule: AuditCount[];
  byModel: AuditCount[];
  /** Every row in the period by kind: decision, feedback, access, evidence. */
  byKind: AuditCount[];
}

const STATS_FACETS = { kind: 'byKind', verdict: 'byVerdict', model: 'byModel', rule: 'byRule' } as const;

export interface AuditStoreOptions {
  /** Ed25519; signs every row, checkpoint and purge anchor. Default: the published development key. */
  signingKey?: KeyObject;
  /** Public keys of earlier signing keys, so rows and anchors signed before a rotation still verify. */
  trustedPublicKeys?: readonly KeyObject[];
  now?: () => Date;
}

/**
 * The compliance audit log (docs/architecture.md#audit-log): one row per decision, clinician feedback, EHR
 * access and validation report (evidence), each carrying the hash of the row before it and the service's
 * signature. Appends are serialised by an advisory lock so the chain has one order across replicas; a
 * dedupe key (context id, feedback id) makes a redelivered message a no-op. Checkpoints, verification and the purge: audit-integrity.ts.
 */
export function createAuditStore(db: SqlClient, options: AuditStoreOptions = {}) {
  const signer = createSigner(options.signingKey ?? DEVELOPMENT_SIGNING_KEY);
  const keyring = createKeyring([signer.publicKey, ...(options.trustedPublicKeys ?? [])]);
  const integrity = createAuditIntegrity({ db, signer, keyring, now: options.now ?? (() => new Date()) });
  return {
    ...integrity,
    signer,
    keyring,

    /** Applies the migrations not yet applied (as the owner role or a superuser). */
    migrate: () => migrateAuditSchema(db),

    async append(entry: AuditEntry): Promise<AppendResult> {
      return db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
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
        const { keyId, signature } = signer.sign({ type: 'aloe.audit.row.v1', seq, rowHash });
        await tx.query(
          `INSERT INTO audit_log (seq, kind, dedupe_key, recorded_at, patient_pseudonym, model_id, verdict, rule_ids, payload, prev_hash, row_hash, key_id, signature)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
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
            keyId,
            signature,
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
      if (filters.throughSeq !== undefined) add('seq <= ?', filters.throughSeq);
      params.push(Math.min(filters.limit ?? 100, 1_000));
      const rows = await db.query<DbRow>(
        `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT $${params.length}`,
        params,
      );
      return rows.map(toStoredRow);
    },

    /** Counts by verdict, rule, model (decisions) and kind (every row) in a period, grouped in SQL. */
    async stats(period: AuditPeriod): Promise<AuditStats> {
      const where: string[] = [];
      const params: string[] = [];
      if (period.from) where.push(`recorded_at >= $${params.push(period.from)}`);
      if (period.to) where.push(`recorded_at < $${params.push(period.to)}`);
      const inPeriod = where.length ? `WHERE ${where.join(' AND ')}` : '';
      // One round trip; a rule counts the decisions citing it (unnest gives a row per rule id).
      const rows = await db.query<{
        facet: keyof typeof STATS_FACETS;
        key: string | null;
        count: string | number;
      }>(
        `WITH period AS (
           SELECT seq, kind, verdict, model_id, rule_ids FROM audit_log ${inPeriod}
         ), decisions AS (SELECT * FROM period WHERE kind = 'decision')
         SELECT 'kind' AS facet, kind AS key, count(*) AS count FROM period GROUP BY kind
         UNION ALL SELECT 'verdict', verdict, count(*) FROM decisions GROUP BY verdict
         UNION ALL SELECT 'model', model_id, count(*) FROM decisions GROUP BY model_id
         UNION ALL SELECT 'rule', rule_id, count(DISTINCT seq)
                     FROM decisions CROSS JOIN LATERAL unnest(rule_ids) AS rule_id GROUP BY rule_id
         ORDER BY facet, count DESC, key`,
        params,
      );
      const stats: AuditStats = { decisions: 0, byVerdict: [], byRule: [], byModel: [], byKind: [] };
      for (const row of rows) {
        const count = Number(row.count);
        stats[STATS_FACETS[row.facet]].push({ key: row.key, count });
        if (row.facet === 'kind' && row.key === 'decision') stats.decisions = count;
      }
      return stats;
    },

    /** The row logged for a dedupe key (a context id, a feedback id), if any. */
    async findByDedupeKey(dedupeKey: string): Promise<StoredRow | undefined> {
      const [row] = await db.query<DbRow>('SELECT * FROM audit_log WHERE dedupe_key = $1', [dedupeKey]);
      return row ? toStoredRow(row) : undefined;
    },

    /** A patient's newest decision: the chart state it answered decides whether a new context is analysed. */
    async latestDecisionFor(patientPseudonym: string): Promise<StoredRow | undefined> {
      const [row] = await db.query<DbRow>(
        `SELECT * FROM audit_log WHERE kind = 'decision' AND patient_pseudonym = $1 ORDER BY seq DESC LIMIT 1`,
        [patientPseudonym],
      );
      return row ? toStoredRow(row) : undefined;
    },

    async get(seq: number): Promise<StoredRow | undefined> {
      const [row] = await db.query<DbRow>('SELECT * FROM audit_log WHERE seq = $1', [seq]);
      return row ? toStoredRow(row) : undefined;
    },

    /** Every row in chain order, a page at a time. */
    async *rows(pageSize = 1_000): AsyncGenerator<StoredRow> {
      for await (const { signature: _signature, ...row } of readRows(db, 1, pageSize)) yield row;
    },
  };
}
export type AuditStore = ReturnType<typeof createAuditStore>;
