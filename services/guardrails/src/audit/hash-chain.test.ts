import { describe, expect, it } from '@jest/globals';
import { type ChainedRow, computeRowHash, GENESIS_HASH } from './hash-chain.js';

describe('computeRowHash', () => {
  const row: ChainedRow = {
    seq: 1,
    kind: 'decision',
    dedupeKey: 'ctx-1',
    recordedAt: '2026-11-24T08:00:01.000Z',
    patientPseudonym: 'p',
    modelId: 'm',
    verdict: 'allow',
    ruleIds: [],
    payload: { b: 1, a: [1, { y: 2, x: 1 }] },
  };

  it('hashes the same content the same whatever the key order', () => {
    const reordered = { ...row, payload: { a: [1, { x: 1, y: 2 }], b: 1 } };
    expect(computeRowHash(GENESIS_HASH, reordered)).toBe(computeRowHash(GENESIS_HASH, row));
  });

  it('changes with the content and with the previous hash', () => {
    const hash = computeRowHash(GENESIS_HASH, row);
    expect(computeRowHash(GENESIS_HASH, { ...row, verdict: 'block' })).not.toBe(hash);
    expect(computeRowHash('f'.repeat(64), row)).not.toBe(hash);
  });
});
