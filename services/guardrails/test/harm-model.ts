import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultHarmModelDir } from '../src/rails/harm/encoder/sentence-encoder.js';

/** The harm rail's encoder for tests (the guardrails jest global setup fetches it); says how when absent. */
export function testHarmModelDir(): string {
  const dir = defaultHarmModelDir();
  if (!existsSync(join(dir, 'model.onnx')))
    throw new Error(`no harm model in ${dir}: run \`bash infra/models/fetch-harm-model.sh\``);
  return dir;
}
