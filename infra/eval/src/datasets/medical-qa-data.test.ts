import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DATASET_NAMES, type DatasetName, loadItems, resolveDataDir, resolveDataset } from './dataset.js';

const DATA_DIR = resolveDataDir({});
const hasData = existsSync(join(DATA_DIR, 'medical-qa'));

// The item counts in ../shared/data/medical-qa/SOURCE.md; CareQA's examples are MedQA val + MedMCQA val.
const EXPECTED: Record<DatasetName, { test: number; examples: number }> = {
  medqa: { test: 1273, examples: 1272 },
  medmcqa: { test: 4183, examples: 10_000 },
  pubmedqa: { test: 500, examples: 450 + 50 },
  mmlu: { test: 1089, examples: 123 },
  careqa: { test: 5621, examples: 1272 + 10_000 },
};

describe(`the registry datasets in ../shared/data${hasData ? '' : ' (skipped: ../shared/data is absent)'}`, () => {
  (hasData ? it.each(DATASET_NAMES) : it.skip.each(DATASET_NAMES))(
    '%s loads the item counts of SOURCE.md with no invalid record',
    async (name) => {
      const dataset = resolveDataset(name, DATA_DIR);
      const tests = await loadItems(dataset.testFiles);
      const examples = await loadItems(dataset.exampleFiles);
      // Compared as one object so a failure prints the invalid records with their reasons.
      expect({
        test: tests.items.length,
        examples: examples.items.length,
        invalid: [...tests.invalid, ...examples.invalid],
      }).toEqual({
        ...EXPECTED[name],
        invalid: [],
      });
    },
  );
});
