import { computeRowHash, GENESIS_HASH, type StoredRow } from './hash-chain.js';
import { checkpointStatement, type Keyring, type Signature } from './signing.js';

/** Why a log (or an export) does not verify: one code per kind of tampering, stable for callers. */
export const VerdictCode = {
  /** Rows are gone from the oldest end, and no signed purge anchor says they were purged. */
  HeadDeleted: 'head-deleted',
  /** Rows the newest signed checkpoint covers are gone from the newest end. */
  TailTruncated: 'tail-truncated',
  /** A gap in seq inside the chain. */
  RowsMissing: 'rows-missing',
  RowsOutOfOrder: 'rows-out-of-order',
  /** A row's content no longer matches its hash. */
  RowHashMismatch: 'row-hash-mismatch',
  /** A row does not link to the row before it (one of them was replaced). */
  PrevHashMismatch: 'prev-hash-mismatch',
  /** Every link holds, but the checkpointed row's hash is not the signed one: edited, then re-hashed. */
  ChainRewritten: 'chain-rewritten',
  /** A row after the newest checkpoint that the service did not sign (written behind its back). */
  RowUnsigned: 'row-unsigned',
  RowSignatureInvalid: 'row-signature-invalid',
  AnchorUnsigned: 'anchor-unsigned',
  AnchorSignatureInvalid: 'anchor-signature-invalid',
  CheckpointSignatureInvalid: 'checkpoint-signature-invalid',
  /** Export files only: */
  ExportUnsealed: 'export-unsealed',
  SealSignatureInvalid: 'seal-signature-invalid',
  RowsDigestMismatch: 'rows-digest-mismatch',
} as const;
export type VerdictCode = (typeof VerdictCode)[keyof typeof VerdictCode];

/** A checkpoint or purge anchor as read back; an anchor written before signing existed has no signature. */
export type Point = { seq: number; rowHash: string; signedAt: string } & {
  [K in keyof Signature]: string | null;
};

export type AuditVerdict =
  | {
      ok: true;
      rows: number;
      lastSeq: number | null;
      lastHash: string;
      anchor: Point | null;
      /** The newest signed checkpoint the rows were checked against. */
      checkpoint: Point | null;
      /** Rows newer than that checkpoint: each checked by its own signature instead. */
      rowsAfterCheckpoint: number;
    }
  | BrokenVerdict;

export interface BrokenVerdict {
  ok: false;
  code: VerdictCode;
  reason: string;
  /** The first row that does not fit (null when the fault is not in a row: a seal, say). */
  firstBrokenSeq: number | null;
  /** Rows read before the fault was found. */
  rows: number;
}

export const broken = (
  code: VerdictCode,
  reason: string,
  firstBrokenSeq: number | null,
  rows = 0,
): BrokenVerdict => ({ ok: false, code, reason, firstBrokenSeq, rows });

/** A row as the verifier reads it: content, hashes, and the signature the service gave it when written. */
export type VerifiableRow = StoredRow & { signature?: { keyId: string | null; signature: string } | null };

/**
 * Where reading starts. `genesis` and `anchor`: the whole log. `checkpoint`: only the rows from the
 * newest checkpoint's row on, which is how the service checks the log before it signs a new checkpoint
 * (cheap, and a tampered log is never signed over).
 */
export type ChainStart =
  | { kind: 'genesis' }
  | { kind: 'anchor'; point: Point }
  | { kind: 'checkpoint'; point: Point };

export function chainStart(
  anchor: Point | null,
  checkpoint: Point | null,
  sinceCheckpoint: boolean,
): ChainStart {
  if (sinceCheckpoint && checkpoint && checkpoint.seq > (anchor?.seq ?? 0))
    return { kind: 'checkpoint', point: checkpoint };
  return anchor ? { kind: 'anchor', point: anchor } : { kind: 'genesis' };
}

/** The first seq to read for a start. */
export const firstSeqOf = (start: ChainStart): number =>
  start.kind === 'genesis' ? 1 : start.kind === 'anchor' ? start.point.seq + 1 : start.point.seq;

export interface VerifyLogInput {
  /** In seq order, from firstSeqOf(start). */
  rows: AsyncIterable<VerifiableRow> | Iterable<VerifiableRow>;
  start: ChainStart;
  anchor: Point | null;
  /** The newest checkpoint (highest seq) known: from the log, or signed by this process. */
  checkpoint: Point | null;
  keyring: Keyring;
  /** Rows after the checkpoint need their own signature (false only when the log has never had a checkpoint). */
  requireRowSignatures: boolean;
}

/** The purge anchor's and the checkpoint's own signatures; undefined when both hold (or are absent). */
export function checkSignedPoints(
  anchor: Point | null,
  checkpoint: Point | null,
  keyring: Keyring,
): BrokenVerdict | undefined {
  if (anchor) {
    const check = keyring.check(checkpointStatement('aloe.audit.anchor.v1', anchor), anchor);
    if (check === 'missing')
      return broken(
        'anchor-unsigned',
        `the purge anchor (seq ${anchor.seq}) carries no signature`,
        anchor.seq,
      );
    if (check !== 'valid')
      return broken(
        'anchor-signature-invalid',
        `the purge anchor (seq ${anchor.seq}) ${describe(check)}`,
        anchor.seq,
      );
  }
  if (checkpoint) {
    const check = keyring.check(checkpointStatement('aloe.audit.checkpoint.v1', checkpoint), checkpoint);
    if (check !== 'valid')
      return broken(
        'checkpoint-signature-invalid',
        `the checkpoint of seq ${checkpoint.seq} ${describe(check)}`,
        checkpoint.seq,
      );
  }
  return undefined;
}

/**
 * Recomputes the chain and checks it against the signed anchor and the newest signed checkpoint; names
 * the first thing that does not fit. Pure: rows may come from the database or from an export file.
 */
export async function verifyAuditLog(input: VerifyLogInput): Promise<AuditVerdict> {
  const { start, anchor, checkpoint, keyring } = input;
  const unsigned = checkSignedPoints(anchor, checkpoint, keyring);
  if (unsigned) return unsigned;

  let rows = 0;
  let last: { seq: number; hash: string } =
    start.kind === 'genesis'
      ? { seq: 0, hash: GENESIS_HASH }
      : { seq: start.point.seq, hash: start.point.rowHash };
  let awaitingCheckpointRow = start.kind === 'checkpoint';
  for await (const row of input.rows) {
    rows++;
    const { prevHash, rowHash, signature: _signature, ...content } = row;
    if (awaitingCheckpointRow) {
      // Reading from a checkpoint: its row must still be there, unchanged.
      awaitingCheckpointRow = false;
      if (row.seq !== last.seq)
        return broken(
          'rows-missing',
          `row ${last.seq}, which the newest checkpoint signed, is gone`,
          last.seq,
          rows,
        );
      if (rowHash !== last.hash) return rewritten(row.seq, checkpoint, rows);
      if (computeRowHash(prevHash, content) !== rowHash) return altered(row.seq, rows);
      continue;
    }
    if (row.seq !== last.seq + 1) {
      if (row.seq <= last.seq)
        return broken('rows-out-of-order', `row ${row.seq} comes after row ${last.seq}`, row.seq, rows);
      const gap = `rows ${last.seq + 1}…${row.seq - 1}`;
      if (rows === 1 && start.kind === 'genesis')
        return broken(
          'head-deleted',
          `${gap} are gone and no signed purge anchor accounts for them`,
          row.seq,
          rows,
        );
      if (rows === 1 && start.kind === 'anchor')
        return broken('head-deleted', `${gap}, after the purge anchor, are gone`, row.seq, rows);
      return broken('rows-missing', `${gap} are missing`, row.seq, rows);
    }
    if (prevHash !== last.hash) {
      const what =
        rows === 1 && start.kind === 'genesis'
          ? 'the first row does not start from the genesis hash'
          : rows === 1 && start.kind === 'anchor'
            ? 'the first row does not follow the purge anchor'
            : `prev_hash is not row ${last.seq}'s hash (one of the two rows was replaced)`;
      return broken('prev-hash-mismatch', what, row.seq, rows);
    }
    if (computeRowHash(prevHash, content) !== rowHash) return altered(row.seq, rows);
    if (checkpoint && row.seq === checkpoint.seq && rowHash !== checkpoint.rowHash)
      return rewritten(row.seq, checkpoint, rows);
    if (input.requireRowSignatures && (!checkpoint || row.seq > checkpoint.seq)) {
      const check = keyring.check({ type: 'aloe.audit.row.v1', seq: row.seq, rowHash }, row.signature);
      if (check === 'missing')
        return broken(
          'row-unsigned',
          `row ${row.seq} carries no signature: the service did not write it`,
          row.seq,
          rows,
        );
      if (check !== 'valid')
        return broken('row-signature-invalid', `row ${row.seq} ${describe(check)}`, row.seq, rows);
    }
    last = { seq: row.seq, hash: rowHash };
  }
  if (awaitingCheckpointRow) return truncated(last.seq - 1, checkpoint!, rows);

  if (checkpoint && checkpoint.seq > last.seq) {
    if (!anchor || checkpoint.seq > anchor.seq) return truncated(last.seq, checkpoint, rows);
    // A checkpoint older than the purge anchor no longer speaks for any row, unless it signed the anchor's own row.
    if (checkpoint.seq === anchor.seq && checkpoint.rowHash !== anchor.rowHash)
      return rewritten(anchor.seq, checkpoint, rows);
  }
  return {
    ok: true,
    rows,
    lastSeq: rows > 0 ? last.seq : null,
    lastHash: last.hash,
    anchor,
    checkpoint,
    rowsAfterCheckpoint: checkpoint ? Math.max(0, last.seq - checkpoint.seq) : rows,
  };
}

const describe = (check: 'missing' | 'unknown-key' | 'invalid') =>
  check === 'unknown-key'
    ? 'is signed by a key this verifier does not trust'
    : check === 'missing'
      ? 'carries no signature'
      : 'carries a signature that does not verify';

export const altered = (seq: number, rows: number) =>
  broken('row-hash-mismatch', 'the row content does not match its hash (altered)', seq, rows);

export const rewritten = (seq: number, checkpoint: Point | null, rows: number) =>
  broken(
    'chain-rewritten',
    `row ${seq}'s hash is not the one signed at ${checkpoint?.signedAt}: rows up to it were changed and the chain recomputed`,
    seq,
    rows,
  );

const truncated = (lastSeq: number, checkpoint: Point, rows: number) =>
  broken(
    'tail-truncated',
    `rows ${lastSeq + 1}…${checkpoint.seq} are gone: the checkpoint signed at ${checkpoint.signedAt} covers row ${checkpoint.seq}`,
    lastSeq + 1,
    rows,
  );
