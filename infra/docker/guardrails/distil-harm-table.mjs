// Image build step: loads the guardrails' learned harm rail once, so its token table is distilled
// (~15 s) and saved beside the model in the image. Every container then starts without distilling,
// on a read-only file system too, and every replica of one image runs the same table (its digest is
// part of the rail's id in each audited decision).
// usage (from services/guardrails): node ../../infra/docker/guardrails/distil-harm-table.mjs <model dir>
import { resolve } from 'node:path';

const modelDir = process.argv[2];
if (!modelDir) {
  console.error('distil-harm-table: expected the model directory');
  process.exit(1);
}
const { loadHarmClassifier } = await import(resolve('dist/rails/harm/harm-classifier.js'));
const harm = await loadHarmClassifier(modelDir, { threads: 1 });
console.log(`distil-harm-table: ready: ${harm.id}`);
await harm.close();
