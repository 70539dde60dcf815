// The rails from the command line: `npm run evaluate -w @aloe/guardrails -- request.json` where the file
// (or stdin, with "-") holds {"context": PatientContext, "suggestions": [candidate suggestions]}. The learned
// harm rail's encoder is read from GUARDRAILS_HARM_MODEL_DIR (default: the one fetch-harm-model.sh fetches).
import { readFile } from 'node:fs/promises';
import { summarizeIssues } from '@aloe/shared/kafka';
import { EvaluationRequest, evaluateSet } from '../rails/evaluate-set.js';
import { defaultHarmModelDir } from '../rails/harm/encoder/sentence-encoder.js';
import { loadHarmClassifier } from '../rails/harm/harm-classifier.js';

const source = process.argv[2];
if (!source || source === '--help') {
  console.log(
    'usage: evaluate <request.json | ->\nRuns the input and output rails on a context and candidate suggestions; prints the annotated set.',
  );
  process.exit(source ? 0 : 2);
}
const text =
  source === '-'
    ? await new Response(process.stdin as unknown as ReadableStream).text()
    : await readFile(source, 'utf8');
const parsed = EvaluationRequest.safeParse(JSON.parse(text));
if (!parsed.success) {
  console.error(`evaluate: not an evaluation request: ${summarizeIssues(parsed.error.issues)}`);
  process.exit(2);
}
const harm = await loadHarmClassifier(defaultHarmModelDir()).catch((error: Error) => {
  console.error(`evaluate: ${error.message}`);
  process.exit(78);
});
const result = await evaluateSet(parsed.data.context, parsed.data.suggestions, harm);
await harm.close();
console.log(JSON.stringify(result, null, 2));
process.exit(result.suggestions.some((suggestion) => suggestion.verdict === 'block') ? 1 : 0);
