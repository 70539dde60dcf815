import { existsSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, NotFoundError } from '@aloe/shared/errors';

export { type InvalidRecord, type LoadedItems, loadItems } from './load-items.js';
export { selectItems } from './select-items.js';

/** One multiple-choice question as the evaluation sends it (prompt_engine's JSON, normalised). */
export interface McqItem {
  /** The record's own `id`, else its uuid key; prefixed `<file base name>:` when several files are merged. */
  id: string;
  question: string;
  /** In the file's order; `key` is the letter the file uses (A, B, …). */
  options: Array<{ key: string; text: string }>;
  /** The key of the correct option. */
  answer: string;
  /** PubMedQA's abstract, its sections joined by newlines. */
  context?: string;
}

/** Published accuracy (0–100) of Llama3.1-Aloe-Beta-8B (bf16) on a set. */
export interface PaperFigures {
  zeroShot: number;
  /** With Medprompt-style in-context learning: 5 retrieved examples, 20 choice-shuffled samples, majority vote. */
  medprompt: number;
  source: string;
}

export interface DatasetSpec {
  /** Relative to the data folder. */
  testFiles: readonly string[];
  /** The split few-shot examples are retrieved from, relative to the data folder. */
  exampleFiles: readonly string[];
  paper?: PaperFigures;
}

export const DATASET_NAMES = ['medqa', 'medmcqa', 'pubmedqa', 'mmlu', 'careqa'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

const PAPER_SOURCE = 'arXiv 2505.04388, Table 9';
const QA = 'medical-qa';
const MMLU_SUBJECTS = [
  'anatomy',
  'clinical_knowledge',
  'college_biology',
  'college_medicine',
  'medical_genetics',
  'professional_medicine',
] as const;
const MEDQA_VAL = `${QA}/medqa_4opt/medqa_4opt_val.json`;
const MEDMCQA_VAL = `${QA}/medmcqa/medmcqa_val.json`;

/** The Aloe papers' MCQA sets as laid out in ../shared/data/medical-qa (see its SOURCE.md). */
export const DATASETS: Readonly<Record<DatasetName, DatasetSpec>> = {
  medqa: {
    testFiles: [`${QA}/medqa_4opt/medqa_4opt_test.json`],
    exampleFiles: [MEDQA_VAL],
    paper: { zeroShot: 64.65, medprompt: 80.6, source: PAPER_SOURCE },
  },
  medmcqa: {
    testFiles: [`${QA}/medmcqa/medmcqa_test.json`],
    exampleFiles: [MEDMCQA_VAL],
    paper: { zeroShot: 59.57, medprompt: 70.76, source: PAPER_SOURCE },
  },
  // Table 9 has no PubMedQA column (it is only inside the MultiMedQA average).
  pubmedqa: {
    testFiles: [`${QA}/pubmedqa/pubmedqa_test.json`],
    exampleFiles: [`${QA}/pubmedqa/pubmedqa_train.json`, `${QA}/pubmedqa/pubmedqa_val.json`],
  },
  mmlu: {
    testFiles: MMLU_SUBJECTS.map((subject) => `${QA}/mmlu/mmlu_${subject}_test.json`),
    exampleFiles: MMLU_SUBJECTS.map((subject) => `${QA}/mmlu/mmlu_${subject}_val.json`),
    paper: { zeroShot: 76.5, medprompt: 83.2, source: PAPER_SOURCE },
  },
  // CareQA ships no split of its own; the paper retrieved its examples from a MedQA + MedMCQA store, so do we.
  careqa: {
    testFiles: [`${QA}/careqa/careqa_test.json`],
    exampleFiles: [MEDQA_VAL, MEDMCQA_VAL],
    paper: { zeroShot: 70.77, medprompt: 75.45, source: PAPER_SOURCE },
  },
};

/**
 * The folder holding the public data: `EVAL_DATA_DIR` when set, else `../shared/data` beside the repository
 * (this file sits four levels below the repository root, in src/ and in dist/ alike).
 */
export function resolveDataDir(env: Readonly<Record<string, string | undefined>>): string {
  const override = env.EVAL_DATA_DIR?.trim();
  if (override) return resolve(override);
  return fileURLToPath(new URL('../../../../../shared/data', import.meta.url));
}

export interface ResolvedDataset {
  /** The registry name, or the file's base name without `.json`. */
  name: string;
  /** Absolute paths. */
  testFiles: string[];
  /** Absolute paths; empty when there is nothing to retrieve few-shot examples from. */
  exampleFiles: string[];
  paper?: PaperFigures;
}

function isDatasetName(value: string): value is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(value);
}

function looksLikePath(value: string): boolean {
  return value.endsWith('.json') || value.includes('/') || value.includes('\\');
}

function checkExists(files: string[], hint: string): void {
  for (const file of files) {
    if (!existsSync(file)) throw new NotFoundError(`Dataset file not found: ${file} (${hint})`);
  }
}

/**
 * A dataset by registry name (files under `dataDir`) or by the path of any JSON file in prompt_engine's
 * schema (relative paths against the working directory). `examplesFile` replaces the registry's example
 * split; a bare file has no examples without it.
 */
export function resolveDataset(nameOrFile: string, dataDir: string, examplesFile?: string): ResolvedDataset {
  const exampleOverride = examplesFile === undefined ? undefined : [resolve(examplesFile)];
  if (exampleOverride) checkExists(exampleOverride, 'given as the examples file');

  if (isDatasetName(nameOrFile)) {
    const spec = DATASETS[nameOrFile];
    const inDataDir = (file: string) => (isAbsolute(file) ? file : join(dataDir, file));
    const resolved: ResolvedDataset = {
      name: nameOrFile,
      testFiles: spec.testFiles.map(inDataDir),
      exampleFiles: exampleOverride ?? spec.exampleFiles.map(inDataDir),
      ...(spec.paper ? { paper: { ...spec.paper } } : {}),
    };
    checkExists(
      [...resolved.testFiles, ...resolved.exampleFiles],
      `the data folder ${dataDir} may be absent: it is ../shared/data beside the repository, or set EVAL_DATA_DIR`,
    );
    return resolved;
  }

  if (!looksLikePath(nameOrFile)) {
    throw new InvalidInputError(
      `Unknown dataset "${nameOrFile}": use one of ${DATASET_NAMES.join(', ')} or the path of a JSON file`,
    );
  }
  const testFile = resolve(nameOrFile);
  checkExists([testFile], 'given as the dataset file');
  return { name: basename(testFile, '.json'), testFiles: [testFile], exampleFiles: exampleOverride ?? [] };
}
