import { describe, expect, it } from '@jest/globals';
import { newSigner, rehashFrom, signedChain, signPoint } from '../../test/audit-chain.js';
import { checkExport } from './check-export.js';
import {
  CSV_HEADER,
  createRowsDigest,
  type ExportFormat,
  type ExportStatement,
  formatRow,
  formatSeal,
  parseCsvRecords,
  parseExport,
} from './export-format.js';
import { computeRowHash, type StoredRow } from './hash-chain.js';
import { createKeyring, type SignedCheckpoint, type Signer } from './signing.js';

const signer = newSigner();
const keyring = createKeyring([signer.publicKey]);
const log = signedChain(signer, 8).map(({ signature: _s, ...row }) => row as StoredRow);
const checkpoint = signPoint(signer, log[7]!) as SignedCheckpoint;

/** An export file as the service writes it (export-log.ts): rows, then the seal. */
function exportFile(
  rows: StoredRow[],
  options: {
    format?: ExportFormat;
    filter?: Record<string, string>;
    by?: Signer;
    sealRows?: StoredRow[];
  } = {},
) {
  const format = options.format ?? 'ndjson';
  const digest = createRowsDigest();
  for (const row of options.sealRows ?? rows) digest.add(row);
  const statement: ExportStatement = {
    type: 'aloe.audit.export.v1',
    exportedAt: '2026-11-24T10:00:00.000Z',
    filter: options.filter ?? {},
    ...digest.result(),
    checkpoint,
    anchor: null,
  };
  const seal = formatSeal({ ...statement, ...(options.by ?? signer).sign(statement) }, format);
  return `${format === 'csv' ? `${CSV_HEADER}\n` : ''}${rows.map((row) => formatRow(row, format)).join('')}${seal}`;
}

const check = (text: string) => checkExport(parseExport(text), keyring);

describe('export files', () => {
  it.each(['ndjson', 'csv'] as const)(
    'read back (%s) to the very rows written, quotes, commas and line breaks included',
    (format) => {
      const parsed = parseExport(exportFile(log, { format }));
      expect(parsed.format).toBe(format);
      expect(parsed.rows).toEqual(log);
      expect(parsed.seal).toMatchObject({ type: 'aloe.audit.export.v1', rows: 8 });
    },
  );

  it('quotes CSV fields as RFC 4180 says', () => {
    expect(parseCsvRecords('a,"b ""c"", d",\r\n"x\ny",z\n')).toEqual([
      ['a', 'b "c", d', ''],
      ['x\ny', 'z'],
    ]);
  });
});

describe('checkExport', () => {
  it.each(['ndjson', 'csv'] as const)('accepts a full %s export and a filtered one', async (format) => {
    expect(await check(exportFile(log, { format }))).toMatchObject({
      ok: true,
      filtered: false,
      rows: 8,
      lastSeq: 8,
    });
    const odd = log.filter((row) => row.patientPseudonym === 'pseudonym-odd');
    expect(
      await check(exportFile(odd, { format, filter: { patientPseudonym: 'pseudonym-odd' } })),
    ).toMatchObject({
      ok: true,
      filtered: true,
      rows: 4,
      keyId: signer.keyId,
    });
  });

  it('names a file without a seal, and a seal signed by another key or changed', async () => {
    const text = exportFile(log);
    expect(await check(text.slice(0, text.lastIndexOf('{"seal"')))).toMatchObject({
      code: 'export-unsealed',
    });
    expect(await check(exportFile(log, { by: newSigner() }))).toMatchObject({
      code: 'seal-signature-invalid',
      reason: expect.stringMatching(/not by a key given/),
    });
    expect(await check(text.replace('"rows":8', '"rows":7'))).toMatchObject({
      code: 'seal-signature-invalid',
    });
  });

  it('names rows dropped from the end or the start of a full export', async () => {
    expect(await check(exportFile(log.slice(0, 6)))).toMatchObject({
      code: 'tail-truncated',
      firstBrokenSeq: 7,
    });
    expect(await check(exportFile(log.slice(2)))).toMatchObject({ code: 'head-deleted', firstBrokenSeq: 3 });
  });

  it('names a full export edited and re-hashed in the file', async () => {
    const edited = rehashFrom(
      log.map((row) => (row.seq === 3 ? { ...row, verdict: 'block' } : row)),
      2,
    ).map(({ signature: _s, ...row }) => row as StoredRow);
    expect(await check(exportFile(edited))).toMatchObject({ code: 'chain-rewritten', firstBrokenSeq: 8 });
  });

  it('names a filtered export with a row altered, re-hashed, dropped or forged', async () => {
    const filter = { patientPseudonym: 'pseudonym-odd' };
    const odd = log.filter((row) => row.patientPseudonym === 'pseudonym-odd'); // seq 1, 3, 5, 7
    const edit = (row: StoredRow) => (row.seq === 3 ? { ...row, verdict: 'block' } : row);
    expect(await check(exportFile(odd.map(edit), { filter, sealRows: odd }))).toMatchObject({
      code: 'row-hash-mismatch',
      firstBrokenSeq: 3,
    });
    // Each of these rows matches its own hash; only the seal's digest shows the file is not what was exported.
    const rehashed = odd.map((row) =>
      row.seq === 3 ? stripSignature(rehashFrom([edit(row)], 0)[0]!, row.prevHash) : row,
    );
    expect(await check(exportFile(rehashed, { filter, sealRows: odd }))).toMatchObject({
      code: 'rows-digest-mismatch',
    });
    expect(await check(exportFile(odd.slice(1), { filter, sealRows: odd }))).toMatchObject({
      code: 'rows-digest-mismatch',
    });
    const forged = stripSignature(rehashFrom([{ ...log[0]!, payload: { forged: true } }], 0)[0]!);
    expect(
      await check(exportFile([forged, ...odd.slice(1)], { filter, sealRows: odd.slice(1) })),
    ).toMatchObject({
      code: 'rows-digest-mismatch',
    });
  });
});

/** A re-hashed row as a file would carry it: on its original prev_hash, without a signature. */
function stripSignature(row: StoredRow & { signature?: unknown }, prevHash?: string): StoredRow {
  const { signature: _s, ...rest } = row;
  if (prevHash === undefined) return rest;
  const { prevHash: _p, rowHash: _r, ...content } = rest;
  return { ...content, prevHash, rowHash: computeRowHash(prevHash, content) };
}
