import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GgmlType, writeGguf } from './gguf-writer.js';
import { buildTestModel, TEST_MODEL_SHAPES, type TestModelTemplate } from './test-model-spec.js';

export interface MakeTestModelOptions {
  path: string;
  shape?: keyof typeof TEST_MODEL_SHAPES;
  template?: TestModelTemplate;
  seed?: number;
  weightType?: GgmlType;
}

/** The default test model's file name, in INFERENCE_MODELS_DIR. */
export const DEFAULT_TEST_MODEL_NAME = 'aloe-test-tiny-llama3.gguf';

/**
 * Writes a random-weight llama GGUF that node-llama-cpp serves exactly as it serves a real Aloe file.
 * Its name and the `aloe.test_model` key say what it is: its text has no clinical meaning.
 */
export async function makeTestModel(
  options: MakeTestModelOptions,
): Promise<{ path: string; sizeBytes: number }> {
  const shape = options.shape ?? 'tiny';
  const template = options.template ?? 'llama3';
  const { metadata, tensors } = buildTestModel({
    shape: TEST_MODEL_SHAPES[shape],
    template,
    seed: options.seed ?? 42,
    weightType: options.weightType ?? GgmlType.Q8_0,
    name: `aloe-test-${shape}-${template} (random weights, TEST MODEL)`,
  });
  await mkdir(dirname(options.path), { recursive: true });
  // Write beside the target, then rename: a reader never sees half a file.
  const partial = `${options.path}.${process.pid}.partial`;
  const sizeBytes = await writeGguf(partial, metadata, tensors);
  await rename(partial, options.path);
  return { path: options.path, sizeBytes };
}
