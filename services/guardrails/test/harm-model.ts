import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where tests find the harm rail's sentence encoder: GUARDRAILS_HARM_MODEL_DIR, else the folder
 * infra/models/fetch-harm-model.sh fills (the guardrails jest global setup runs it).
 */
export function testHarmModelDir(): string {
  const dir =
    process.env.GUARDRAILS_HARM_MODEL_DIR ??
    resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../.data/models/all-minilm-l6-v2-q');
  if (!existsSync(resolve(dir, 'model.onnx')))
    throw new Error(`no harm model in ${dir}: run \`bash infra/models/fetch-harm-model.sh\``);
  return dir;
}
