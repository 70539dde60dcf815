import type { AuditSearch, AuditStore } from './audit-store.js';
import {
  CSV_HEADER,
  createRowsDigest,
  type ExportFormat,
  type ExportStatement,
  formatRow,
  formatSeal,
} from './export-format.js';
import type { SignedCheckpoint } from './signing.js';
import type { BrokenVerdict, Point } from './verify-log.js';

export type ExportResult = { ok: true; rows: number } | { ok: false; verdict: BrokenVerdict };

const signed = (point: Point | null): SignedCheckpoint | null =>
  point?.keyId && point.signature ? { ...point, keyId: point.keyId, signature: point.signature } : null;

/**
 * Writes an export: the log is verified, a checkpoint of its newest row is signed, the matching rows up
 * to that row are streamed, and a seal signs what the file holds (check-export.ts reads it back). A log
 * that does not verify is not exported with a signature: the caller gets the verdict instead, before
 * anything is written.
 */
export async function exportAuditLog(
  audit: AuditStore,
  request: {
    filters: Omit<AuditSearch, 'limit' | 'afterSeq' | 'throughSeq'>;
    afterSeq?: number | undefined;
    /** The filter as the caller gave it (query parameter → value), recorded in the seal; empty = the whole log. */
    filterLabel: Record<string, string | number>;
    format: ExportFormat;
  },
  write: (chunk: string) => unknown,
  now: () => Date = () => new Date(),
): Promise<ExportResult> {
  const verdict = await audit.verify();
  if (!verdict.ok) return { ok: false, verdict };
  const checkpointed = await audit.checkpoint();
  if (!checkpointed.ok) return { ok: false, verdict: checkpointed.verdict };
  const checkpoint = signed(checkpointed.checkpoint);

  if (request.format === 'csv') await write(`${CSV_HEADER}\n`);
  const digest = createRowsDigest();
  const pageSize = 1_000;
  let afterSeq = request.afterSeq ?? 0;
  while (checkpoint) {
    const page = await audit.search({
      ...request.filters,
      afterSeq,
      throughSeq: checkpoint.seq,
      limit: pageSize,
    });
    for (const row of page) {
      digest.add(row);
      await write(formatRow(row, request.format));
    }
    if (page.length < pageSize) break;
    afterSeq = page.at(-1)!.seq;
  }
  const statement: ExportStatement = {
    type: 'aloe.audit.export.v1',
    exportedAt: now().toISOString(),
    filter: request.filterLabel,
    ...digest.result(),
    checkpoint,
    anchor: signed(verdict.anchor),
  };
  await write(formatSeal({ ...statement, ...audit.signer.sign(statement) }, request.format));
  return { ok: true, rows: statement.rows };
}
