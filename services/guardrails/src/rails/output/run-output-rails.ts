import type { PatientContext, RuleFinding, Suggestion } from '@aloe/shared/schemas';
import type { HarmClassifier } from '../harm/harm-classifier.js';
import type { CandidateSuggestion } from './candidate.js';
import { checkActions } from './check-actions.js';
import { checkCitations, checkSuggestionContent, textOf } from './check-content.js';

/** critical → block, warning → warn, info (or nothing) → allow. */
export function verdictOf(findings: readonly RuleFinding[]): Suggestion['verdict'] {
  if (findings.some((finding) => finding.severity === 'critical')) return 'block';
  if (findings.some((finding) => finding.severity === 'warning')) return 'warn';
  return 'allow';
}

/**
 * The output rails (docs/architecture.md#output-rails) on each candidate suggestion: citations exist; what it
 * proposes (its actions, and what its text proposes beyond them) judged by the clinical knowledge on the list
 * it would leave (a critical rule → block, a warning → warn), a text that contradicts its actions → block;
 * harmful or out-of-scope content, impersonation, definitive diagnosis → block. Every verdict carries its
 * rule ids and messages. Pure and cheap (no I/O); `modelFindings[i]` are the learned harm rail's findings for
 * candidate i (see runOutputRailsWithModel).
 */
export function runOutputRails(
  context: PatientContext,
  candidates: readonly CandidateSuggestion[],
  modelFindings: ReadonlyArray<readonly RuleFinding[]>,
): Suggestion[] {
  return candidates.map((candidate, i) => {
    const reasons = [
      ...checkCitations(candidate, context),
      ...checkActions(candidate, context),
      ...checkSuggestionContent(candidate),
      ...(modelFindings[i] ?? []),
    ];
    return { ...candidate, verdict: verdictOf(reasons), reasons };
  });
}

/** The output rails, with the learned harm rail scoring each candidate's text (one call per set). */
export async function runOutputRailsWithModel(
  context: PatientContext,
  candidates: readonly CandidateSuggestion[],
  harm: HarmClassifier,
): Promise<Suggestion[]> {
  return runOutputRails(context, candidates, await harm.assess(candidates.map(textOf)));
}
