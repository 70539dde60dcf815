import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { distilTokenTable, loadOrDistilTokenTable, type RunEncoder, tokenTable } from './token-table.js';

// FAKE encoder, named as such: the real int8 model's outputs shift with the batch they run in, so no
// exact value could check which position of which sequence lands in which row. Here position p of
// [CLS, t, SEP] outputs (t, p, 1). The real distillation, save and reload are tested in classifier.test.ts.
const calls: number[] = [];
const fakeRun: RunEncoder = async (batch) => {
  calls.push(batch.length);
  const out = new Float32Array(batch.length * 3 * 3);
  for (const [s, ids] of batch.entries())
    for (const [p, id] of ids.entries()) out.set([id, p, 1], (s * 3 + p) * 3);
  return out;
};

describe('the distilled token table', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aloe-token-table-'));
    calls.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('takes each token’s own output, in fixed batches', async () => {
    const rows = await distilTokenTable(fakeRun, 150, 3);
    expect(calls).toEqual([64, 64, 22]);
    expect([...rows.subarray(0, 3)]).toEqual([0, 1, 1]);
    expect([...rows.subarray(149 * 3, 150 * 3)]).toEqual([149, 1, 1]);
  });

  it('embeds as the normalised mean of the rows, skipping [CLS], [SEP] and unknown ids', () => {
    const rows = Float32Array.from({ length: 200 * 2 }, (_, i) => (i % 2 === 0 ? Math.floor(i / 2) : 0));
    const table = tokenTable(rows, 200, 2);
    expect([...table.embed([101, 3, 4, 102, 999])]).toEqual([1, 0]);
    expect([...table.embed([])]).toEqual([0, 0]);
    expect(() => tokenTable(rows, 201, 2)).toThrow(/needs 402 values/);
  });

  it('distils once and reads the saved table afterwards, bit for bit', async () => {
    const first = await loadOrDistilTokenTable(dir, 'ab'.repeat(32), 130, 3, fakeRun);
    expect(calls).toHaveLength(3);
    expect(await readdir(dir)).toEqual(['token-table-abababababababab-b64.f32']);
    const second = await loadOrDistilTokenTable(dir, 'ab'.repeat(32), 130, 3, fakeRun);
    expect(calls).toHaveLength(3);
    expect(second.digest).toBe(first.digest);
    expect(second.embed([5, 7])).toEqual(first.embed([5, 7]));
  });

  it('distils again for another encoder, and still works where it cannot save', async () => {
    await loadOrDistilTokenTable(dir, 'ab'.repeat(32), 130, 3, fakeRun);
    await loadOrDistilTokenTable(dir, 'cd'.repeat(32), 130, 3, fakeRun);
    expect((await readdir(dir)).sort()).toEqual([
      'token-table-abababababababab-b64.f32',
      'token-table-cdcdcdcdcdcdcdcd-b64.f32',
    ]);
    const table = await loadOrDistilTokenTable(
      join(dir, 'missing', 'folder'),
      'ef'.repeat(32),
      130,
      3,
      fakeRun,
    );
    expect(table.vocabSize).toBe(130);
  });
});
