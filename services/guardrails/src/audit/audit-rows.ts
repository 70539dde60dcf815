import type { ChainedRow, StoredRow } from './hash-chain.js';
import type { SqlClient } from './sql-client.js';
import type { Point, VerifiableRow } from './verify-log.js';

/** An audit_log row as the database returns it. */
export interface DbRow {
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
  key_id?: string | null;
  signature?: string | null;
}

export const toStoredRow = (row: DbRow): StoredRow => ({
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

const toVerifiableRow = (row: DbRow): VerifiableRow => ({
  ...toStoredRow(row),
  signature: row.signature ? { keyId: row.key_id ?? null, signature: row.signature } : null,
});

/** Rows from `fromSeq` on, in chain order, a page at a time, with their signatures (verification). */
export async function* readRows(
  client: SqlClient,
  fromSeq: number,
  pageSize = 1_000,
): AsyncGenerator<VerifiableRow> {
  let afterSeq = fromSeq - 1;
  for (;;) {
    const page = await client.query<DbRow>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
      afterSeq,
      pageSize,
    ]);
    for (const row of page) yield toVerifiableRow(row);
    if (page.length < pageSize) return;
    afterSeq = Number(page.at(-1)!.seq);
  }
}

interface DbPoint {
  seq: string | number;
  row_hash: string;
  signed_at: Date | string;
  key_id: string | null;
  signature: string | null;
}

const toPoint = (row: DbPoint): Point => ({
  seq: Number(row.seq),
  rowHash: row.row_hash,
  signedAt: new Date(row.signed_at).toISOString(),
  keyId: row.key_id,
  signature: row.signature,
});

/** Where the chain starts after a retention purge, if one ran. */
export async function readAnchor(client: SqlClient): Promise<Point | null> {
  const [row] = await client.query<DbPoint>(
    'SELECT seq, row_hash, purged_at AS signed_at, key_id, signature FROM audit_anchor',
  );
  return row ? toPoint(row) : null;
}

/** The checkpoint of the highest seq (the one that covers the most rows). */
export async function readNewestCheckpoint(client: SqlClient): Promise<Point | null> {
  const [row] = await client.query<DbPoint>(
    'SELECT seq, row_hash, signed_at, key_id, signature FROM audit_checkpoint ORDER BY seq DESC, signed_at DESC LIMIT 1',
  );
  return row ? toPoint(row) : null;
}
