import { readAnchor, readNewestCheckpoint, readRows } from './audit-rows.js';
import { AUDIT_LOCK_KEY } from './migrations.js';
import type { Keyring, Signer } from './signing.js';
import type { SqlClient } from './sql-client.js';
import {
  type AuditVerdict,
  type BrokenVerdict,
  chainStart,
  firstSeqOf,
  type Point,
  verifyAuditLog,
} from './verify-log.js';

export type CheckpointResult =
  | { ok: true; checkpoint: Point | null; fresh: boolean }
  | { ok: false; verdict: BrokenVerdict };

/** A verdict on the log with the checkpoint it was checked against, also when it is broken. */
export type CheckedVerdict = AuditVerdict & { checkpoint: Point | null };

export type PurgeResult = { ok: true; deleted: number } | { ok: false; verdict: BrokenVerdict };

/**
 * What makes the log tamper-evident beyond its hash chain: signed checkpoints of the newest row,
 * verification against them, and the retention purge with its signed anchor. Nothing is signed over a
 * log that does not verify, so tampering is never laundered into a valid signature.
 */
export function createAuditIntegrity(deps: {
  db: SqlClient;
  signer: Signer;
  keyring: Keyring;
  now: () => Date;
}) {
  const { db, signer, keyring, now } = deps;
  // The newest checkpoint this process signed: verify still knows it if the table is emptied behind its back.
  let lastSigned: Point | null = null;
  const newest = (stored: Point | null) =>
    lastSigned && (!stored || lastSigned.seq >= stored.seq) ? lastSigned : stored;

  /** `sinceCheckpoint`: read only from the newest checkpoint's row on (before signing a new one). */
  async function check(client: SqlClient, sinceCheckpoint: boolean): Promise<CheckedVerdict> {
    const anchor = await readAnchor(client);
    const checkpoint = newest(await readNewestCheckpoint(client));
    const start = chainStart(anchor, checkpoint, sinceCheckpoint);
    // Before its first checkpoint, a log whose rows all predate row signatures (an upgrade) is trusted
    // once, by its chain alone; verify itself always asks for them.
    const requireRowSignatures =
      !sinceCheckpoint ||
      checkpoint !== null ||
      (await client.query('SELECT 1 FROM audit_log WHERE signature IS NOT NULL LIMIT 1')).length > 0;
    const verdict = await verifyAuditLog({
      rows: readRows(client, firstSeqOf(start)),
      start,
      anchor,
      checkpoint,
      keyring,
      requireRowSignatures,
    });
    return verdict.ok ? verdict : { ...verdict, checkpoint };
  }

  return {
    /**
     * Recomputes the whole chain from its anchor and checks it against the newest signed checkpoint,
     * which the verdict names (seq, time, key id) whether the log verifies or not.
     */
    verify: () => check(db, false),

    /**
     * Signs the newest row's seq and hash (when rows were added since the last checkpoint), after checking
     * the rows since the last checkpoint: a truncated or rewritten log is refused, not signed.
     */
    async checkpoint(): Promise<CheckpointResult> {
      return db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
        const verdict = await check(tx, true);
        if (!verdict.ok) return { ok: false, verdict };
        const current = newest(await readNewestCheckpoint(tx));
        const [head] = await tx.query<{ seq: string; row_hash: string }>(
          'SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1',
        );
        if (!head || (current && current.seq >= Number(head.seq)))
          return { ok: true, checkpoint: current, fresh: false };
        const content = { seq: Number(head.seq), rowHash: head.row_hash, signedAt: now().toISOString() };
        const signature = signer.sign({ type: 'aloe.audit.checkpoint.v1', ...content });
        await tx.query(
          'INSERT INTO audit_checkpoint (seq, row_hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5)',
          [content.seq, content.rowHash, content.signedAt, signature.keyId, signature.signature],
        );
        lastSigned = { ...content, ...signature };
        return { ok: true, checkpoint: lastSigned, fresh: true };
      });
    },

    /**
     * Deletes the oldest rows past the retention (HIPAA: 6 years; EU AI Act: at least 6 months) through
     * audit_purge_expired(), which re-checks the age in SQL, and records the last deleted row as the
     * chain's new anchor, signed. A log that does not verify is kept whole, as evidence.
     */
    async purgeExpired(retentionDays: number): Promise<PurgeResult> {
      // The longest run of rows from the oldest end that are all past the retention.
      const [last] = await db.query<{ seq: string; row_hash: string }>(
        `SELECT seq, row_hash FROM audit_log
          WHERE seq < COALESCE((SELECT min(seq) FROM audit_log
                                 WHERE recorded_at >= now() - make_interval(days => $1::int)), 9223372036854775807)
          ORDER BY seq DESC LIMIT 1`,
        [retentionDays],
      );
      if (!last) return { ok: true, deleted: 0 };
      const verdict = await check(db, false);
      if (!verdict.ok) return { ok: false, verdict };
      const anchor = { seq: Number(last.seq), rowHash: last.row_hash, signedAt: now().toISOString() };
      const signature = signer.sign({ type: 'aloe.audit.anchor.v1', ...anchor });
      const [result] = await db.query<{ deleted: string }>(
        'SELECT audit_purge_expired($1, $2, $3, $4, $5, $6) AS deleted',
        [retentionDays, anchor.seq, anchor.rowHash, anchor.signedAt, signature.keyId, signature.signature],
      );
      return { ok: true, deleted: Number(result?.deleted ?? 0) };
    },
  };
}
export type AuditIntegrity = ReturnType<typeof createAuditIntegrity>;
