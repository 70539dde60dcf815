import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadItems } from './load-items.js';

const FOUR_OPTIONS = { A: 'Heart', B: 'Lung', C: 'Liver', D: 'Kidney' };
let dir: string;

async function writeJson(name: string, content: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eval-load-items-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadItems', () => {
  it('maps prompt_engine records to items in file order, with the record id or else the uuid key', async () => {
    const file = await writeJson('set_test.json', {
      'uuid-1': {
        id: 'set_test_0',
        question: ' Which organ pumps blood? ',
        correct_answer: 'A',
        options: FOUR_OPTIONS,
      },
      'uuid-2': {
        exam_id: 3,
        year: 2024,
        question: 'Which organ makes bile?',
        correct_answer: 'C',
        options: FOUR_OPTIONS,
      },
    });
    const { items, invalid } = await loadItems([file]);
    expect(invalid).toEqual([]);
    expect(items).toEqual([
      {
        id: 'set_test_0',
        question: 'Which organ pumps blood?',
        options: [
          { key: 'A', text: 'Heart' },
          { key: 'B', text: 'Lung' },
          { key: 'C', text: 'Liver' },
          { key: 'D', text: 'Kidney' },
        ],
        answer: 'A',
      },
      expect.objectContaining({ id: 'uuid-2', answer: 'C' }),
    ]);
  });

  it("joins PubMedQA's abstract sections into the context", async () => {
    const file = await writeJson('pubmed_test.json', {
      k: {
        id: 'p0',
        question: 'Does exercise lower resting heart rate?',
        correct_answer: 'A',
        options: { A: 'yes', B: 'no', C: 'maybe' },
        context: ['Background sentence.', 'Results sentence.'],
      },
    });
    const { items } = await loadItems([file]);
    expect(items[0]?.context).toBe('Background sentence.\nResults sentence.');
    expect(items[0]?.options.map((option) => option.text)).toEqual(['yes', 'no', 'maybe']);
  });

  it('prefixes ids with the file base name when several files are merged', async () => {
    const first = await writeJson('mmlu_anatomy_test.json', {
      k: { id: 'q0', question: 'Q one?', correct_answer: 'A', options: FOUR_OPTIONS },
    });
    const second = await writeJson('mmlu_genetics_test.json', {
      k: { id: 'q0', question: 'Q two?', correct_answer: 'B', options: FOUR_OPTIONS },
    });
    const { items, invalid } = await loadItems([first, second]);
    expect(invalid).toEqual([]);
    expect(items.map((item) => item.id)).toEqual(['mmlu_anatomy_test:q0', 'mmlu_genetics_test:q0']);
  });

  it('collects every invalid record with its file, id and reason, and keeps the valid ones', async () => {
    const file = await writeJson('bad_test.json', {
      u1: { id: 'one-option', question: 'Q?', correct_answer: 'A', options: { A: 'Only' } },
      u2: { id: 'wrong-key', question: 'Q?', correct_answer: 'E', options: FOUR_OPTIONS },
      u3: { id: 'empty-option', question: 'Q?', correct_answer: 'A', options: { ...FOUR_OPTIONS, B: ' ' } },
      u4: { id: 'no-question', correct_answer: 'A', options: FOUR_OPTIONS },
      u5: { id: 'good', question: 'Q?', correct_answer: 'D', options: FOUR_OPTIONS },
      u6: { id: 'good', question: 'Same id again?', correct_answer: 'A', options: FOUR_OPTIONS },
      u7: 'not a record',
    });
    const { items, invalid } = await loadItems([file]);
    expect(items.map((item) => item.id)).toEqual(['good']);
    expect(invalid).toEqual([
      { file, id: 'one-option', reason: 'options: fewer than 2 options' },
      { file, id: 'wrong-key', reason: 'correct_answer: "E" is not one of the option keys A, B, C, D' },
      { file, id: 'empty-option', reason: 'options.B: an option text is empty' },
      { file, id: 'no-question', reason: expect.stringMatching(/^question: /) },
      { file, id: 'good', reason: 'the id repeats an earlier record' },
      { file, id: 'u7', reason: expect.any(String) },
    ]);
  });

  it('throws, naming the file, when a file is not JSON or not an object of records', async () => {
    const broken = await writeJson('broken.json', '{"a": ');
    const list = await writeJson('list.json', [{ question: 'Q?' }]);
    await expect(loadItems([broken])).rejects.toThrow(`Cannot read ${broken} as JSON`);
    await expect(loadItems([list])).rejects.toThrow(`${list} is not a JSON object keyed by record id`);
    await expect(loadItems([join(dir, 'absent.json')])).rejects.toThrow('absent.json');
  });
});
