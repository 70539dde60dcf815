import { describe, expect, it } from '@jest/globals';
import {
  type ChainedRow,
  canonicalJson,
  computeRowHash,
  GENESIS_HASH,
  type StoredRow,
  verifyChain,
} from './hash-chain.js';

function chain(count: number): StoredRow[] {
  const rows: StoredRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const row: ChainedRow = {
      seq,
      kind: 'decision',
      dedupeKey: `ctx-${seq}`,
      recordedAt: `2026-11-24T08:00:0${seq}.000Z`,
      patientPseudonym: 'p',
      modelId: 'm',
      verdict: 'allow',
      ruleIds: [],
      payload: { b: seq, a: [1, { y: 2, x: 1 }] },
    };
    const rowHash = computeRowHash(prevHash, row);
    rows.push({ ...row, prevHash, rowHash });
    prevHash = rowHash;
  }
  return rows;
}

describe('canonicalJson', () => {
  it('sorts keys at every level so reordered JSON hashes the same', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: 2 } })).toBe(
      '{"a":{"c":2,"d":[3,{"e":2,"f":1}]},"b":1}',
    );
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain', () => {
    expect(verifyChain(chain(5))).toMatchObject({ ok: true, rows: 5, lastSeq: 5 });
  });

  it('names the first altered row', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, payload: { tampered: true } };
    expect(verifyChain(rows)).toMatchObject({
      ok: false,
      firstBrokenSeq: 3,
      reason: expect.stringMatching(/altered/),
    });
  });

  it('names the row after a deleted one', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBrokenSeq: 3, reason: 'rows 2…2 are missing' });
  });

  it('catches a rewritten tail whose hashes were recomputed but whose link was not', () => {
    const rows = chain(4);
    const forged = { ...rows[3]!, prevHash: 'f'.repeat(64) };
    forged.rowHash = computeRowHash(forged.prevHash, {
      ...forged,
      prevHash: undefined,
      rowHash: undefined,
    } as never);
    expect(verifyChain([...rows.slice(0, 3), forged])).toMatchObject({ ok: false, firstBrokenSeq: 4 });
  });

  it('starts from an anchor after a retention purge', () => {
    const rows = chain(5);
    const anchor = { seq: 2, hash: rows[1]!.rowHash };
    expect(verifyChain(rows.slice(2), anchor)).toMatchObject({ ok: true, rows: 3 });
    expect(verifyChain(rows.slice(3), anchor)).toMatchObject({ ok: false, firstBrokenSeq: 4 });
  });
});
