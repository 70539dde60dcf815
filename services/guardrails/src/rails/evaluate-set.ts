import { PatientContext, type RuleFinding, Suggestion } from '@aloe/shared/schemas';
import { z } from 'zod';
import type { HarmClassifier } from './harm/harm-classifier.js';
import { runInputRails } from './input/run-input-rails.js';
import type { CandidateSuggestion } from './output/candidate.js';
import { runOutputRailsWithModel } from './output/run-output-rails.js';

/** What `POST /v1/evaluate` and the evaluate CLI take: a context and candidate suggestions (with their actions). */
export const EvaluationRequest = z.object({
  context: PatientContext,
  suggestions: z.array(Suggestion.omit({ verdict: true, reasons: true })).max(50),
});

export interface Evaluation {
  inputFindings: RuleFinding[];
  suggestions: Suggestion[];
  timingMs: number;
}

/** The rails alone, for integration engineers, the CLI and the benchmarks: input rails, then output rails. */
export async function evaluateSet(
  context: PatientContext,
  candidates: readonly CandidateSuggestion[],
  harm: HarmClassifier,
): Promise<Evaluation> {
  const startedAt = performance.now();
  const { context: safe, findings } = runInputRails(context);
  const suggestions = await runOutputRailsWithModel(safe, candidates, harm);
  return { inputFindings: findings, suggestions, timingMs: performance.now() - startedAt };
}
