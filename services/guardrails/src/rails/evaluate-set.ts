import type { PatientContext, RuleFinding, Suggestion } from '@aloe/shared/schemas';
import type { HarmClassifier } from './classifier/harm-classifier.js';
import { runInputRails } from './input/run-input-rails.js';
import type { CandidateSuggestion } from './output/candidate.js';
import { runOutputRailsWithModel } from './output/run-output-rails.js';

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
