// The rails from the command line: `npm run evaluate -w @aloe/guardrails -- request.json` where the file
// (or stdin, with "-") holds {"context": PatientContext, "suggestions": [candidate suggestions]}.
import { readFile } from 'node:fs/promises';
import { summarizeIssues } from '@aloe/shared/kafka';
import { PatientContext, Suggestion } from '@aloe/shared/schemas';
import { z } from 'zod';
import { evaluateSet } from '../rails/evaluate-set.js';

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
const parsed = z
  .object({
    context: PatientContext,
    suggestions: z.array(Suggestion.omit({ verdict: true, reasons: true })),
  })
  .safeParse(JSON.parse(text));
if (!parsed.success) {
  console.error(`evaluate: not an evaluation request: ${summarizeIssues(parsed.error.issues)}`);
  process.exit(2);
}
const result = evaluateSet(parsed.data.context, parsed.data.suggestions);
console.log(JSON.stringify(result, null, 2));
process.exit(result.suggestions.some((suggestion) => suggestion.verdict === 'block') ? 1 : 0);
