import type { PatientContext, RuleFinding } from '@aloe/shared/schemas';
import {
  COMPLIANCE_TURN,
  FIGURATIVE_CONTEXT,
  HARMFUL_CONTENT,
  HARMFUL_REQUESTS,
  REFUSAL,
} from '../data/harmful-content.js';
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

/** Rules about what a text asks for, which a text that declines the request does not trigger. */
const REQUEST_RULES = new Set(['output.harmful-request', 'output.medical-ethics', 'output.out-of-scope']);

/**
 * Harmful or out-of-scope content, impersonation and definitive diagnosis language → block (the pattern
 * rules; the learned rail runs beside them, see runOutputRailsWithModel).
 */
export function checkHarmfulContent(text: string): RuleFinding[] {
  // Figurative and fictional uses ("kill a Python process") skip the request rule; a refusal ("I'm
  // sorry, but I cannot help you mislead patients") names the harm it declines and skips all three.
  const figurative = FIGURATIVE_CONTEXT.test(text);
  const refusal = REFUSAL.test(text) && !COMPLIANCE_TURN.test(text);
  return [...HARMFUL_CONTENT, ...HARMFUL_REQUESTS]
    .filter(
      (rule) =>
        !(figurative && rule.ruleId === 'output.harmful-request') &&
        !(refusal && REQUEST_RULES.has(rule.ruleId)) &&
        rule.pattern.test(text),
    )
    .map((rule) => ({ ruleId: rule.ruleId, severity: 'critical', message: rule.message }));
}

export function checkSuggestionContent(suggestion: CandidateSuggestion): RuleFinding[] {
  return checkHarmfulContent(textOf(suggestion));
}

export { textOf };
