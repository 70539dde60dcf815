import type { StoredRow } from './hash-chain.js';

export const CSV_HEADER =
  'seq,kind,dedupe_key,recorded_at,patient_pseudonym,model_id,verdict,rule_ids,prev_hash,row_hash,payload';

/** RFC 4180 quoting. */
const csv = (value: unknown) => {
  const text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** One audit row as CSV; the payload is its JSON, so a CSV export can be verified offline too. */
export function toCsvRow(row: StoredRow): string {
  return [
    row.seq,
    row.kind,
    row.dedupeKey,
    row.recordedAt,
    row.patientPseudonym,
    row.modelId,
    row.verdict,
    row.ruleIds.join(' '),
    row.prevHash,
    row.rowHash,
    row.payload,
  ]
    .map(csv)
    .join(',');
}
