// `npm run make-test-model -- [path] [--shape tiny|wide] [--template llama3|chatml] [--seed-model KEY] [--seed N]`
import { parseArgs } from 'node:util';
import { SEED_MODELS, type SeedModelKey } from './model/seed-models.js';
import { GgmlType } from './test-model/gguf-writer.js';
import { makeTestModel } from './test-model/make-test-model.js';
import type { TEST_MODEL_SHAPES } from './test-model/test-model-spec.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    shape: { type: 'string', default: 'tiny' },
    template: { type: 'string', default: 'llama3' },
    'seed-model': { type: 'string' },
    seed: { type: 'string', default: '42' },
    type: { type: 'string', default: 'q8_0' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    `usage: make-test-model [path] [--shape tiny|wide] [--template llama3|chatml] [--seed-model ${Object.keys(SEED_MODELS).join('|')}] [--seed N] [--type q8_0|f16|f32]`,
  );
  process.exit(0);
}
const shape = values.shape as keyof typeof TEST_MODEL_SHAPES;
const template = values.template as 'llama3' | 'chatml';
if (!['tiny', 'wide'].includes(shape) || !['llama3', 'chatml'].includes(template)) {
  console.error('make-test-model: --shape must be tiny or wide, --template llama3 or chatml');
  process.exit(2);
}
const seedModel = values['seed-model'] as SeedModelKey | undefined;
if (seedModel !== undefined && !(seedModel in SEED_MODELS)) {
  console.error(`make-test-model: --seed-model must be one of ${Object.keys(SEED_MODELS).join(', ')}`);
  process.exit(2);
}
const weightType = { q8_0: GgmlType.Q8_0, f16: GgmlType.F16, f32: GgmlType.F32 }[values.type.toLowerCase()];
if (weightType === undefined) {
  console.error('make-test-model: --type must be q8_0, f16 or f32');
  process.exit(2);
}
const path =
  positionals[0] ?? `.data/models/${seedModel ? `${seedModel}-test` : `aloe-test-${shape}-${template}`}.gguf`;
const { paths, sizeBytes } = await makeTestModel({
  path,
  shape,
  template,
  seedModel,
  seed: Number(values.seed),
  weightType,
});
console.log(
  `wrote ${paths.join(', ')} (${(sizeBytes / 1e6).toFixed(1)} MB): random-weight TEST MODEL, ${seedModel ?? `${shape}, ${template}`}`,
);
