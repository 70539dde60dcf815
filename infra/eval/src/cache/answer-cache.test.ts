import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CachedAnswer, openAnswerCache, runKeyOf } from './answer-cache.js';

const MODEL = 'a'.repeat(64);
const OTHER_MODEL = 'b'.repeat(64);
let dir: string;
let runCount = 0;
const nextRunKey = () => `run-${++runCount}`;

function answer(itemId: string, overrides: Partial<CachedAnswer> = {}): CachedAnswer {
  return {
    itemId,
    answer: 'B',
    correct: true,
    parseFailures: 0,
    attempts: 1,
    promptTokens: 120,
    completionTokens: 8,
    wallMs: 431.5,
    ...overrides,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eval-answer-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openAnswerCache', () => {
  it('reads back what an earlier run wrote, so a rerun resumes', async () => {
    const runKey = nextRunKey();
    const first = await openAnswerCache({ dir, modelSha256: MODEL, runKey });
    expect(first.file).toBe(join(dir, MODEL, `${runKey}.jsonl`));
    await first.put('q1', answer('q1'));
    await first.put(
      'q2',
      answer('q2', { answer: undefined, correct: false, parseFailures: 1, samples: ['A', 'C'] }),
    );
    await first.close();

    const resumed = await openAnswerCache({ dir, modelSha256: MODEL, runKey });
    expect(resumed.size).toBe(2);
    expect(resumed.ignoredLines).toBe(0);
    expect(resumed.get('q1')).toEqual(answer('q1'));
    expect(resumed.get('q2')).toEqual({
      ...answer('q2', { correct: false, parseFailures: 1, samples: ['A', 'C'] }),
      answer: undefined,
    });
    expect(resumed.get('q3')).toBeUndefined();
    await resumed.close();
  });

  it('shares nothing between models or between run settings', async () => {
    const runKey = nextRunKey();
    const cache = await openAnswerCache({ dir, modelSha256: MODEL, runKey });
    await cache.put('q1', answer('q1'));
    await cache.close();
    const otherModel = await openAnswerCache({ dir, modelSha256: OTHER_MODEL, runKey });
    const otherRun = await openAnswerCache({ dir, modelSha256: MODEL, runKey: nextRunKey() });
    expect([otherModel.size, otherRun.size]).toEqual([0, 0]);
    expect(otherModel.get('q1')).toBeUndefined();
    await Promise.all([otherModel.close(), otherRun.close()]);
  });

  it('skips a torn last line left by a kill mid-write and cuts it off before appending', async () => {
    const runKey = nextRunKey();
    const cache = await openAnswerCache({ dir, modelSha256: MODEL, runKey });
    await cache.put('q1', answer('q1'));
    await cache.close();
    await appendFile(cache.file, '{"itemId":"q2","answer":"A","corr');

    const afterCrash = await openAnswerCache({ dir, modelSha256: MODEL, runKey });
    expect(afterCrash.size).toBe(1);
    expect(afterCrash.ignoredLines).toBe(1);
    expect(afterCrash.get('q2')).toBeUndefined();
    await afterCrash.put('q2', answer('q2'));
    await afterCrash.close();

    const lines = (await readFile(cache.file, 'utf8')).split('\n');
    expect(lines.map((line) => (line ? JSON.parse(line).itemId : line))).toEqual(['q1', 'q2', '']);
    const clean = await openAnswerCache({ dir, modelSha256: MODEL, runKey });
    expect([clean.size, clean.ignoredLines]).toEqual([2, 0]);
    await clean.close();
  });

  it('keeps every line whole under concurrent puts, and the latest put of an item wins', async () => {
    const runKey = nextRunKey();
    const cache = await openAnswerCache({ dir, modelSha256: MODEL, runKey });
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        cache.put(`q${index % 20}`, answer(`q${index % 20}`, { attempts: index })),
      ),
    );
    expect(cache.size).toBe(20);
    await cache.close();
    const reopened = await openAnswerCache({ dir, modelSha256: MODEL, runKey });
    expect([reopened.size, reopened.ignoredLines]).toEqual([20, 0]);
    expect(reopened.get('q5')?.attempts).toBe(25);
    await reopened.close();
  });

  it('refuses an entry for another item, a malformed entry, and names that would leave the folder', async () => {
    const cache = await openAnswerCache({ dir, modelSha256: MODEL, runKey: nextRunKey() });
    await expect(cache.put('q1', answer('q2'))).rejects.toThrow('put("q1") got an entry for "q2"');
    await expect(cache.put('q1', answer('q1', { attempts: -1 }))).rejects.toThrow();
    expect(cache.size).toBe(0);
    await cache.close();
    await expect(cache.put('q1', answer('q1'))).rejects.toThrow(/closed/);
    await expect(openAnswerCache({ dir, modelSha256: '../escape', runKey: 'x' })).rejects.toThrow(
      /plain file name/,
    );
    await expect(openAnswerCache({ dir, modelSha256: MODEL, runKey: '..' })).rejects.toThrow(
      /plain file name/,
    );
  });
});

describe('runKeyOf', () => {
  it('is a short hash that ignores key order and changes with any setting', () => {
    const key = runKeyOf({
      dataset: 'medqa',
      strategy: 'medprompt',
      samples: 5,
      fewShot: { k: 5, method: 'bm25' },
    });
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(
      runKeyOf({ fewShot: { method: 'bm25', k: 5 }, samples: 5, strategy: 'medprompt', dataset: 'medqa' }),
    ).toBe(key);
    expect(
      runKeyOf({ dataset: 'medqa', strategy: 'medprompt', samples: 5, fewShot: { k: 3, method: 'bm25' } }),
    ).not.toBe(key);
  });
});
