import { createHash } from 'node:crypto';

/** The prev_hash of the first row ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hashed content of one audit row (everything but the hashes themselves). */
export interface ChainedRow {
  seq: number;
  /** decision: a guardrails verdict; feedback: a clinician's answer; access: an EHR read or write (from aloe.audit.v1). */
  kind: 'decision' | 'feedback' | 'access';
  dedupeKey: string;
  /** ISO 8601 with milliseconds, as stored. */
  recordedAt: string;
  patientPseudonym: string;
  modelId: string | null;
  verdict: string | null;
  ruleIds: string[];
  payload: unknown;
}

/** JSON with object keys sorted at every level, so the same content always hashes the same (JSONB reorders keys). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : item,
  );
}

/** row_hash = SHA-256(prev_hash ‖ canonical JSON of the row). Pure. */
export function computeRowHash(prevHash: string, row: ChainedRow): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(row)).digest('hex');
}

/** A row as stored: its content and both hashes. */
export type StoredRow = ChainedRow & { prevHash: string; rowHash: string };

export type ChainVerdict =
  | { ok: true; rows: number; lastSeq: number | null; lastHash: string }
  | { ok: false; rows: number; firstBrokenSeq: number; reason: string };

/**
 * Recomputes the chain over rows in seq order and names the first row that does not fit: its content
 * was changed (its hash no longer matches), a row before it vanished (a gap in seq), or its prev_hash is
 * not the previous row's hash. `anchor` is the prev_hash the first row must carry (genesis, or the last
 * hash before a retention purge). Pure; rows may come from the database or from an export file.
 */
export function verifyChain(rows: Iterable<StoredRow>, anchor?: { seq: number; hash: string }): ChainVerdict {
  let expectedPrev = anchor?.hash;
  let expectedSeq = anchor ? anchor.seq + 1 : undefined;
  let count = 0;
  let last: { seq: number; hash: string } | undefined;
  for (const row of rows) {
    count++;
    if (expectedSeq !== undefined && row.seq !== expectedSeq) {
      return {
        ok: false,
        rows: count,
        firstBrokenSeq: row.seq,
        reason: `rows ${expectedSeq}…${row.seq - 1} are missing`,
      };
    }
    if (expectedPrev === undefined && row.seq === 1 && row.prevHash !== GENESIS_HASH) {
      return {
        ok: false,
        rows: count,
        firstBrokenSeq: row.seq,
        reason: 'the first row does not start from the genesis hash',
      };
    }
    if (expectedPrev !== undefined && row.prevHash !== expectedPrev) {
      return {
        ok: false,
        rows: count,
        firstBrokenSeq: row.seq,
        reason: 'prev_hash is not the previous row hash',
      };
    }
    const { prevHash, rowHash, ...content } = row;
    if (computeRowHash(prevHash, content) !== rowHash) {
      return {
        ok: false,
        rows: count,
        firstBrokenSeq: row.seq,
        reason: 'the row content does not match its hash (altered)',
      };
    }
    expectedPrev = rowHash;
    expectedSeq = row.seq + 1;
    last = { seq: row.seq, hash: rowHash };
  }
  return {
    ok: true,
    rows: count,
    lastSeq: last?.seq ?? null,
    lastHash: last?.hash ?? anchor?.hash ?? GENESIS_HASH,
  };
}
