import type { PatientContext, RuleFinding } from '@aloe/shared/schemas';
import { checkHarmClassifier } from '../classifier/harm-classifier.js';
import { FIGURATIVE_CONTEXT, HARMFUL_CONTENT, HARMFUL_REQUESTS } from '../data/harmful-content.js';
import { RuleId } from '../rule-ids.js';
import type { CandidateSuggestion } from './candidate.js';

const textOf = (suggestion: CandidateSuggestion) =>
  `${suggestion.title}\n${suggestion.text}\n${suggestion.rationale ?? ''}`;

/** Every citation must be a reference present in the context (the schema enum makes this so; verify anyway). */
export function checkCitations(suggestion: CandidateSuggestion, context: PatientContext): RuleFinding[] {
  const known = new Set(context.items.map((item) => item.ref));
  known.add(context.patient.ref);
  return suggestion.citations
    .filter((ref) => !known.has(ref))
    .map((ref) => ({
      ruleId: RuleId.CitationUnknown,
      severity: 'critical',
      message: `Cites ${ref}, which is not in the patient context`,
    }));
}

/** Harmful or out-of-scope content, impersonation and definitive diagnosis language → block. */
export function checkHarmfulContent(text: string): RuleFinding[] {
  // Figurative and fictional uses ("kill a Python process") skip the request rule.
  const figurative = FIGURATIVE_CONTEXT.test(text);
  const patterns: RuleFinding[] = [...HARMFUL_CONTENT, ...HARMFUL_REQUESTS]
    .filter((rule) => !(figurative && rule.ruleId === 'output.harmful-request') && rule.pattern.test(text))
    .map((rule) => ({ ruleId: rule.ruleId, severity: 'critical', message: rule.message }));
  return [...patterns, ...checkHarmClassifier(text)];
}

export function checkSuggestionContent(suggestion: CandidateSuggestion): RuleFinding[] {
  return checkHarmfulContent(textOf(suggestion));
}

export { textOf };
