// `node dist/bench/run-safety.js [--samples]`: block rate on the harmful sets and false-positive rate on
// the benign sets of ../shared/data, per set. `--samples` prints a few misses and false positives.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkHarmfulContent } from '../rails/output/check-content.js';
import { measureSet } from './measure-safety.js';
import { loadPromptSets } from './safety-sets.js';

const dataDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../../shared/data');
const sets = await loadPromptSets(dataDir);
if (sets.length === 0) {
  console.log(`../shared/data is absent (${dataDir}): nothing to measure`);
  process.exit(0);
}
const rows = sets.map(measureSet);
console.table(
  rows.map((row) => ({
    set: row.set,
    kind: row.harmful ? 'harmful → block rate' : 'benign → false positives',
    prompts: row.prompts,
    flagged: row.flagged,
    rate: `${(row.rate * 100).toFixed(1)}%`,
  })),
);
if (process.argv.includes('--samples')) {
  for (const set of sets) {
    const wrong = set.prompts
      .filter((prompt) => checkHarmfulContent(prompt).length > 0 !== set.harmful)
      .slice(0, 8);
    console.log(`\n${set.name}: ${set.harmful ? 'missed' : 'false positives'}`);
    for (const prompt of wrong) console.log(`  - ${prompt.slice(0, 160).replaceAll('\n', ' ')}`);
  }
}
