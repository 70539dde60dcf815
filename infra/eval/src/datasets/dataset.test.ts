import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DATASET_NAMES, DATASETS, loadItems, resolveDataDir, resolveDataset } from './dataset.js';

const FIXTURES = resolve(process.cwd(), 'test/fixtures');
const TINY_TEST = join(FIXTURES, 'tiny-mcq_test.json');
const TINY_VAL = join(FIXTURES, 'tiny-mcq_val.json');
let emptyDataDir: string;

beforeAll(async () => {
  emptyDataDir = await mkdtemp(join(tmpdir(), 'eval-data-'));
});
afterAll(async () => {
  await rm(emptyDataDir, { recursive: true, force: true });
});

describe('resolveDataDir', () => {
  it('defaults to ../shared/data beside the repository, and EVAL_DATA_DIR overrides it', () => {
    expect(resolveDataDir({})).toBe(resolve(process.cwd(), '../../../shared/data'));
    expect(resolveDataDir({ EVAL_DATA_DIR: '/somewhere/data' })).toBe('/somewhere/data');
    expect(resolveDataDir({ EVAL_DATA_DIR: '  ' })).toBe(resolveDataDir({}));
  });
});

describe('DATASETS', () => {
  it("carries the paper's Aloe-Beta-8B figures (arXiv 2505.04388, Table 9) for the four sets it reports", () => {
    expect(DATASETS.medmcqa.paper).toEqual({
      zeroShot: 59.57,
      medprompt: 70.76,
      source: 'arXiv 2505.04388, Table 9',
    });
    expect(DATASETS.medqa.paper).toMatchObject({ zeroShot: 64.65, medprompt: 80.6 });
    expect(DATASETS.mmlu.paper).toMatchObject({ zeroShot: 76.5, medprompt: 83.2 });
    expect(DATASETS.careqa.paper).toMatchObject({ zeroShot: 70.77, medprompt: 75.45 });
    expect(DATASETS.pubmedqa.paper).toBeUndefined();
  });

  it('keeps every test split out of every example split', () => {
    for (const name of DATASET_NAMES) {
      const spec = DATASETS[name];
      expect(spec.testFiles.every((file) => file.endsWith('_test.json'))).toBe(true);
      expect(spec.exampleFiles.some((file) => spec.testFiles.includes(file))).toBe(false);
      expect(spec.exampleFiles.every((file) => /_(val|train)\.json$/.test(file))).toBe(true);
    }
    expect(DATASETS.mmlu.testFiles).toHaveLength(6);
  });
});

describe('resolveDataset', () => {
  it('resolves a registry name to absolute files in the data folder, and an examples file replaces its split', async () => {
    const dataDir = join(emptyDataDir, 'with-medqa');
    const testFile = join(dataDir, 'medical-qa/medqa_4opt/medqa_4opt_test.json');
    const valFile = join(dataDir, 'medical-qa/medqa_4opt/medqa_4opt_val.json');
    await mkdir(dirname(testFile), { recursive: true });
    await Promise.all([writeFile(testFile, '{}'), writeFile(valFile, '{}')]);
    expect(resolveDataset('medqa', dataDir)).toEqual({
      name: 'medqa',
      testFiles: [testFile],
      exampleFiles: [valFile],
      paper: DATASETS.medqa.paper,
    });
    expect(resolveDataset('medqa', dataDir, TINY_VAL).exampleFiles).toEqual([TINY_VAL]);
  });

  it('says which file is missing and that ../shared/data may be absent', () => {
    expect(() => resolveDataset('medqa', emptyDataDir)).toThrow(
      `Dataset file not found: ${join(emptyDataDir, 'medical-qa/medqa_4opt/medqa_4opt_test.json')}`,
    );
    expect(() => resolveDataset('careqa', emptyDataDir)).toThrow(/\.\.\/shared\/data.*EVAL_DATA_DIR/);
  });

  it('lists the known names for an unknown one', () => {
    expect(() => resolveDataset('medqaa', emptyDataDir)).toThrow(
      'Unknown dataset "medqaa": use one of medqa, medmcqa, pubmedqa, mmlu, careqa or the path of a JSON file',
    );
  });

  it('takes any JSON file in the same schema, with examples only when an examples file is given', () => {
    expect(resolveDataset(TINY_TEST, emptyDataDir)).toEqual({
      name: 'tiny-mcq_test',
      testFiles: [TINY_TEST],
      exampleFiles: [],
    });
    expect(resolveDataset(TINY_TEST, emptyDataDir, TINY_VAL).exampleFiles).toEqual([TINY_VAL]);
    expect(() => resolveDataset(join(FIXTURES, 'absent.json'), emptyDataDir)).toThrow(/absent\.json/);
    expect(() => resolveDataset(TINY_TEST, emptyDataDir, join(FIXTURES, 'nope.json'))).toThrow(
      /nope\.json \(given as the examples file\)/,
    );
  });
});

describe('the tiny synthetic fixture set', () => {
  it('holds 6 test items and 8 examples, all valid, four options each, answers spread over the letters', async () => {
    const tests = await loadItems([TINY_TEST]);
    const examples = await loadItems([TINY_VAL]);
    expect([tests.invalid, examples.invalid]).toEqual([[], []]);
    expect(tests.items).toHaveLength(6);
    expect(examples.items).toHaveLength(8);
    for (const item of [...tests.items, ...examples.items]) {
      expect(item.options.map((option) => option.key)).toEqual(['A', 'B', 'C', 'D']);
    }
    expect(new Set(tests.items.map((item) => item.answer)).size).toBeGreaterThanOrEqual(3);
  });
});
