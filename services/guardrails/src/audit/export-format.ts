import { createHash } from 'node:crypto';
import type { StoredRow } from './hash-chain.js';
import type { Signature, Statement } from './signing.js';

// An export is its rows, in seq order, then one seal: the signed statement of what the file holds.
// NDJSON: one row per line, then `{"seal":{…}}`. CSV: the header, one row per record, then a record
// whose seq field is `#seal` and whose payload field is the seal's JSON.

export const CSV_HEADER =
  'seq,kind,dedupe_key,recorded_at,patient_pseudonym,model_id,verdict,rule_ids,prev_hash,row_hash,payload';
const COLUMNS = CSV_HEADER.split(',').length;
const SEAL_MARK = '#seal';

export type ExportStatement = Extract<Statement, { type: 'aloe.audit.export.v1' }>;
export type ExportSeal = ExportStatement & Signature;
export type ExportFormat = 'ndjson' | 'csv';

/** RFC 4180 quoting. */
const csv = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** One audit row as CSV; the payload is its JSON, so a CSV export can be verified offline too. */
export function toCsvRow(row: StoredRow): string {
  return [
    String(row.seq),
    row.kind,
    row.dedupeKey,
    row.recordedAt,
    row.patientPseudonym,
    row.modelId ?? '',
    row.verdict ?? '',
    row.ruleIds.join(' '),
    row.prevHash,
    row.rowHash,
    JSON.stringify(row.payload),
  ]
    .map(csv)
    .join(',');
}

export const formatRow = (row: StoredRow, format: ExportFormat) =>
  `${format === 'csv' ? toCsvRow(row) : JSON.stringify(row)}\n`;

export const formatSeal = (seal: ExportSeal, format: ExportFormat) =>
  format === 'csv'
    ? `${[SEAL_MARK, ...Array<string>(COLUMNS - 2).fill(''), csv(JSON.stringify(seal))].join(',')}\n`
    : `${JSON.stringify({ seal })}\n`;

/** SHA-256 over `seq row_hash` lines: the seal's fingerprint of exactly which rows the file holds. */
export function createRowsDigest() {
  const hash = createHash('sha256');
  let rows = 0;
  return {
    add(row: Pick<StoredRow, 'seq' | 'rowHash'>) {
      rows++;
      hash.update(`${row.seq} ${row.rowHash}\n`);
    },
    result: () => ({ rows, rowsDigest: hash.digest('hex') }),
  };
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

function fromCsvRecord(fields: string[], line: number): StoredRow {
  if (fields.length !== COLUMNS)
    throw new SyntaxError(`CSV record ${line}: ${fields.length} fields, expected ${COLUMNS}`);
  const [
    seq,
    kind,
    dedupeKey,
    recordedAt,
    patientPseudonym,
    modelId,
    verdict,
    ruleIds,
    prevHash,
    rowHash,
    payload,
  ] = fields as [string, ...string[]];
  return {
    seq: Number(seq),
    kind: kind as StoredRow['kind'],
    dedupeKey: dedupeKey!,
    recordedAt: recordedAt!,
    patientPseudonym: patientPseudonym!,
    modelId: modelId || null,
    verdict: verdict || null,
    ruleIds: ruleIds ? ruleIds.split(' ') : [],
    payload: JSON.parse(payload!),
    prevHash: prevHash!,
    rowHash: rowHash!,
  };
}

/** An export file's rows and seal (null when it has none: an export from before seals, or cut short). */
export function parseExport(text: string): {
  format: ExportFormat;
  rows: StoredRow[];
  seal: ExportSeal | null;
} {
  const rows: StoredRow[] = [];
  let seal: ExportSeal | null = null;
  if (text.startsWith(CSV_HEADER)) {
    const records = parseCsvRecords(text).slice(1);
    records.forEach((fields, index) => {
      if (fields[0] === SEAL_MARK) seal = JSON.parse(fields.at(-1)!) as ExportSeal;
      else if (fields.some(Boolean)) rows.push(fromCsvRecord(fields, index + 2));
    });
    return { format: 'csv', rows, seal };
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const value = JSON.parse(line) as StoredRow | { seal: ExportSeal };
    if ('seal' in value) seal = value.seal;
    else rows.push(value);
  }
  return { format: 'ndjson', rows, seal };
}
