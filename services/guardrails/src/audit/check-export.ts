import { createRowsDigest, type ExportSeal, type ExportStatement } from './export-format.js';
import { computeRowHash, type StoredRow } from './hash-chain.js';
import type { Keyring } from './signing.js';
import {
  type AuditVerdict,
  altered,
  type BrokenVerdict,
  broken,
  chainStart,
  checkSignedPoints,
  type Point,
  rewritten,
  verifyAuditLog,
} from './verify-log.js';

export type ExportVerdict =
  | (Extract<AuditVerdict, { ok: true }> & { filtered: boolean; exportedAt: string; keyId: string })
  | BrokenVerdict;

/**
 * Verifies an export file offline with the service's public key(s). A full export is a whole chain:
 * recomputed from its signed anchor (or genesis) up to the signed checkpoint, so missing, altered or
 * re-hashed rows are named. A filtered export holds a subset: each row must match its own hash, rows
 * that follow each other must link, and the signed seal fixes exactly which rows (seq and hash) the
 * service exported from its verified log, so none can be added, dropped or re-hashed in the file.
 */
export async function checkExport(
  file: { rows: readonly StoredRow[]; seal: ExportSeal | null },
  keyring: Keyring,
): Promise<ExportVerdict> {
  const { rows, seal } = file;
  if (!seal)
    return broken(
      'export-unsealed',
      'the file has no seal: it was cut short, or exported before seals existed',
      null,
    );
  const { keyId, signature, ...statement } = seal;
  const sealCheck = keyring.check(statement as ExportStatement, { keyId, signature });
  if (sealCheck !== 'valid')
    return broken(
      'seal-signature-invalid',
      sealCheck === 'unknown-key'
        ? `the seal is signed by key ${keyId}, not by a key given (${keyring.keyIds.join(', ')})`
        : `the seal's signature ${sealCheck === 'missing' ? 'is missing' : 'does not verify: the file was changed after export'}`,
      null,
    );
  const anchor: Point | null = seal.anchor;
  const checkpoint: Point | null = seal.checkpoint;
  const filtered = Object.keys(seal.filter).length > 0;
  const verdict: AuditVerdict = filtered
    ? checkSubset(rows, anchor, checkpoint, keyring)
    : await verifyAuditLog({
        rows,
        start: chainStart(anchor, checkpoint, false),
        anchor,
        checkpoint,
        keyring,
        // An export carries no row signatures: every row it holds must be under its checkpoint.
        requireRowSignatures: true,
      });
  if (!verdict.ok) return verdict;
  const digest = createRowsDigest();
  for (const row of rows) digest.add(row);
  const { rows: count, rowsDigest } = digest.result();
  if (count !== seal.rows || rowsDigest !== seal.rowsDigest)
    return broken(
      'rows-digest-mismatch',
      `the file's ${count} rows are not the ${seal.rows} the service sealed (rows added, dropped or re-hashed)`,
      null,
      count,
    );
  return { ...verdict, filtered, exportedAt: seal.exportedAt, keyId };
}

function checkSubset(
  rows: readonly StoredRow[],
  anchor: Point | null,
  checkpoint: Point | null,
  keyring: Keyring,
): AuditVerdict {
  const unsigned = checkSignedPoints(anchor, checkpoint, keyring);
  if (unsigned) return unsigned;
  let previous: StoredRow | undefined;
  let count = 0;
  for (const row of rows) {
    count++;
    const { prevHash, rowHash, ...content } = row;
    if (previous && row.seq <= previous.seq)
      return broken('rows-out-of-order', `row ${row.seq} comes after row ${previous.seq}`, row.seq, count);
    if (previous && row.seq === previous.seq + 1 && prevHash !== previous.rowHash)
      return broken('prev-hash-mismatch', `prev_hash is not row ${previous.seq}'s hash`, row.seq, count);
    if (computeRowHash(prevHash, content) !== rowHash) return altered(row.seq, count);
    if (!checkpoint || row.seq > checkpoint.seq)
      return broken('row-unsigned', `row ${row.seq} is newer than the export's checkpoint`, row.seq, count);
    if (row.seq === checkpoint.seq && rowHash !== checkpoint.rowHash)
      return rewritten(row.seq, checkpoint, count);
    previous = row;
  }
  return {
    ok: true,
    rows: count,
    lastSeq: previous?.seq ?? null,
    lastHash: previous?.rowHash ?? '',
    anchor,
    checkpoint,
    rowsAfterCheckpoint: 0,
  };
}
