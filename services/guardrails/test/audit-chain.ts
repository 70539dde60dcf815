// Signed audit chains built in memory, for the pure verification tests.
import { generateKeyPairSync } from 'node:crypto';
import { type ChainedRow, computeRowHash, GENESIS_HASH } from '../src/audit/hash-chain.js';
import { createSigner, type Signer } from '../src/audit/signing.js';
import type { Point, VerifiableRow } from '../src/audit/verify-log.js';

export const newSigner = (): Signer => createSigner(generateKeyPairSync('ed25519').privateKey);

export function rowContent(seq: number): ChainedRow {
  return {
    seq,
    kind: 'decision',
    dedupeKey: `ctx-${seq}`,
    recordedAt: new Date(Date.UTC(2026, 10, 24, 8, 0, seq)).toISOString(),
    patientPseudonym: seq % 2 ? 'pseudonym-odd' : 'pseudonym-even',
    modelId: 'm',
    verdict: 'allow',
    ruleIds: seq % 3 ? [] : ['output.interaction', 'output.allergy-conflict'],
    payload: { b: seq, a: [1, { y: 2, x: 1 }], note: 'a "quoted", comma\nand a line break' },
  };
}

/** Rows `from…to` chained on `prevHash`, each signed as the service signs rows. */
export function signedChain(signer: Signer, to: number, from = 1, prevHash = GENESIS_HASH): VerifiableRow[] {
  const rows: VerifiableRow[] = [];
  for (let seq = from; seq <= to; seq++) {
    const content = rowContent(seq);
    const rowHash = computeRowHash(prevHash, content);
    rows.push({
      ...content,
      prevHash,
      rowHash,
      signature: signer.sign({ type: 'aloe.audit.row.v1', seq, rowHash }),
    });
    prevHash = rowHash;
  }
  return rows;
}

/** A checkpoint (or anchor) of `row`, signed by `signer`. */
export function signPoint(
  signer: Signer,
  row: Pick<VerifiableRow, 'seq' | 'rowHash'>,
  type: 'aloe.audit.checkpoint.v1' | 'aloe.audit.anchor.v1' = 'aloe.audit.checkpoint.v1',
): Point {
  const content = { seq: row.seq, rowHash: row.rowHash, signedAt: '2026-11-24T09:00:00.000Z' };
  return { ...content, ...signer.sign({ type, ...content }) };
}

/** What an attacker with the database but not the key does: re-hash every row from `index` on. */
export function rehashFrom(rows: VerifiableRow[], index: number): VerifiableRow[] {
  const out = rows.slice(0, index);
  let prevHash = index > 0 ? out[index - 1]!.rowHash : GENESIS_HASH;
  for (const row of rows.slice(index)) {
    const { prevHash: _p, rowHash: _r, signature, ...content } = row;
    const rowHash = computeRowHash(prevHash, content);
    out.push({ ...content, prevHash, rowHash, signature: signature ?? null });
    prevHash = rowHash;
  }
  return out;
}
