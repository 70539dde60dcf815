import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SeedModelKey } from '../model/seed-models.js';
import { GgmlType, splitPartPaths, writeGguf, writeGgufSplit } from './gguf-writer.js';
import { seedTestModelSpec } from './seed-test-models.js';
import {
  buildTestModel,
  buildVocabulary,
  TEST_MODEL_SHAPES,
  type TestModelSpec,
  type TestModelTemplate,
} from './test-model-spec.js';

export interface MakeTestModelOptions {
  /** The file to write; for a split model, `<path without .gguf>-0000i-of-0000n.gguf` beside it. */
  path: string;
  shape?: keyof typeof TEST_MODEL_SHAPES;
  /** A generic model with this template (default llama3)… */
  template?: TestModelTemplate;
  /** …or the stand-in of one of the five seed systems (real template, vocabulary ids, eos, split). */
  seedModel?: SeedModelKey | undefined;
  seed?: number;
  weightType?: GgmlType;
}

/** The default test model's file name, in INFERENCE_MODELS_DIR. */
export const DEFAULT_TEST_MODEL_NAME = 'aloe-test-tiny-llama3.gguf';

/**
 * Writes a random-weight GGUF that node-llama-cpp serves exactly as it serves a real Aloe file.
 * Its name and the `aloe.test_model` key say what it is: its text has no clinical meaning.
 * Returns the path to load (the first part of a split model) and every file written.
 */
export async function makeTestModel(
  options: MakeTestModelOptions,
): Promise<{ path: string; paths: string[]; sizeBytes: number }> {
  const seed = options.seed ?? 42;
  const weightType = options.weightType ?? GgmlType.Q8_0;
  let spec: TestModelSpec;
  let parts = 1;
  if (options.seedModel) {
    ({ spec, parts } = seedTestModelSpec(options.seedModel, { seed, weightType }));
  } else {
    const shape = options.shape ?? 'tiny';
    const template = options.template ?? 'llama3';
    const vocabulary = buildVocabulary(template);
    spec = {
      shape: TEST_MODEL_SHAPES[shape],
      architecture: 'llama',
      vocabulary,
      chatTemplate: vocabulary.template,
      contextLength: TEST_MODEL_SHAPES[shape].contextLength,
      ropeFreqBase: 500_000,
      seed,
      weightType,
      name: `aloe-test-${shape}-${template} (random weights, TEST MODEL)`,
    };
  }
  const { metadata, tensors } = buildTestModel(spec);
  await mkdir(dirname(options.path), { recursive: true });
  const paths = parts === 1 ? [options.path] : splitPartPaths(options.path.replace(/\.gguf$/i, ''), parts);
  // Write beside the target, then rename: a reader never sees half a file.
  const partials = paths.map((path) => `${path}.${process.pid}.partial`);
  const sizeBytes =
    parts === 1
      ? await writeGguf(partials[0]!, metadata, tensors)
      : await writeGgufSplit(partials, metadata, tensors);
  for (const [i, partial] of partials.entries()) await rename(partial, paths[i]!);
  return { path: paths[0]!, paths, sizeBytes };
}
