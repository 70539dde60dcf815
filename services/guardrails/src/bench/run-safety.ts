// `node dist/bench/run-safety.js [--samples]`: block rate on the harmful sets and false-positive rate on
// the benign sets of ../shared/data, per set (held-out halves where the classifier trained on a set).
// `--samples` prints a few misses and false positives; `--sets <text>` measures only the sets whose name
// contains it.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHarmModelDir } from '../rails/harm/encoder/sentence-encoder.js';
import {
  FRAMING_MODEL_RULE_ID,
  HARM_MODEL_RULE_ID,
  loadHarmClassifier,
} from '../rails/harm/harm-classifier.js';
import { contentRuleIds, measuredPrompts, measureSet } from './measure-safety.js';
import { loadPromptSets } from './safety-sets.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const dataDir = resolve(here, '../../../../../shared/data');
const only = process.argv.includes('--sets') ? process.argv[process.argv.indexOf('--sets') + 1] : undefined;
const sets = (await loadPromptSets(dataDir)).filter((set) => !only || set.name.includes(only));
if (sets.length === 0) {
  console.log(`../shared/data is absent (${dataDir}): nothing to measure`);
  process.exit(0);
}
const harm = await loadHarmClassifier(defaultHarmModelDir(), { threads: 2 });
const share = (count = 0, total = 0) => `${((count / (total || 1)) * 100).toFixed(1)}%`;
const rows = [];
for (const set of sets) rows.push(await measureSet(set, harm));
console.table(
  rows.map((row) => ({
    set: row.set,
    kind: row.harmful ? 'harmful → block rate' : 'benign → false positives',
    prompts: row.prompts,
    flagged: row.flagged,
    rate: `${(row.rate * 100).toFixed(1)}%`,
    'harm head': share(row.byRule[HARM_MODEL_RULE_ID], row.prompts),
    'framing head': share(row.byRule[FRAMING_MODEL_RULE_ID], row.prompts),
    'read by the encoder': `${(row.encoderShare * 100).toFixed(1)}%`,
  })),
);
if (process.argv.includes('--samples')) {
  for (const set of sets.filter((candidate) => candidate.channel === 'text')) {
    const prompts = measuredPrompts(set);
    const { ruleIds: rules } = await contentRuleIds(prompts, harm);
    const wrong = prompts.filter((_, i) => rules[i]!.length > 0 !== set.harmful).slice(0, 8);
    console.log(`\n${set.name}: ${set.harmful ? 'missed' : 'false positives'}`);
    for (const prompt of wrong) console.log(`  - ${prompt.slice(0, 160).replaceAll('\n', ' ')}`);
  }
}
await harm.close();
