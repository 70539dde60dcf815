import { applyActions, evaluate, ingredientsNamedIn, KNOWLEDGE_VERSION } from '@aloe/clinical-knowledge';
import type {
  KnowledgeCoverage,
  KnowledgeFinding,
  PatientContext,
  SuggestedAction,
  Suggestion,
} from '@aloe/shared/schemas';

// Action types that address a finding about a drug the chart holds (continue does not: it keeps it).
const ADDRESSES_A_DRUG: ReadonlySet<SuggestedAction['type']> = new Set([
  'stop',
  'hold',
  'change-dose',
  'monitor',
]);
// Action types that address a finding without naming a drug (a test, a referral, monitoring).
const ADDRESSES_WITHOUT_A_DRUG: ReadonlySet<SuggestedAction['type']> = new Set([
  'monitor',
  'order-test',
  'refer',
]);

/** Whether one suggestion addresses a finding: it cites what the finding rests on, with an action that acts on it. */
function addresses(suggestion: Suggestion, finding: KnowledgeFinding, context: PatientContext): boolean {
  const refs = new Set(finding.refs);
  if (!suggestion.citations.some((ref) => refs.has(ref))) return false;
  const actions = suggestion.actions ?? [];
  const { targets } = applyActions(context, actions);
  // The drugs a finding proposes to order instead (e.g. naloxone), by ingredient.
  const proposed = new Set(
    finding.suggestions
      .filter((suggestion) => suggestion.kind === 'create-medication')
      .flatMap((suggestion) => ingredientsNamedIn(suggestion.code?.display ?? suggestion.label)),
  );
  return actions.some((action, index) => {
    if (ADDRESSES_A_DRUG.has(action.type) && targets[index]!.some((ref) => refs.has(ref))) return true;
    if (action.medication === null) return ADDRESSES_WITHOUT_A_DRUG.has(action.type);
    return (
      action.type === 'start' &&
      ingredientsNamedIn(action.medication).some((ingredient) => proposed.has(ingredient))
    );
  });
}

const SEVERITY: Record<KnowledgeFinding['severity'], NonNullable<Suggestion['severity']>> = {
  critical: 'high',
  warning: 'moderate',
  info: 'low',
};

/** A chart finding no model suggestion addressed, as a suggestion of the rules (never labelled AI). */
function knowledgeSuggestion(finding: KnowledgeFinding, index: number): Suggestion {
  return {
    id: `k${index + 1}`,
    kind: 'medication-safety',
    title: finding.summary,
    text: `${finding.detail} What to do: ${finding.action}`.slice(0, 4_000),
    citations: finding.refs,
    severity: SEVERITY[finding.severity],
    actions: [],
    source: 'knowledge',
    findingId: finding.id,
    guideline: finding.source,
    verdict: finding.severity === 'info' ? 'allow' : 'warn',
    reasons: [
      {
        ruleId: finding.ruleId,
        severity: finding.severity,
        message: finding.summary,
      },
    ],
  };
}

/**
 * Completeness (docs/architecture.md#completeness): the chart's knowledge findings that no shown model
 * suggestion addresses (none cites the finding's resources with an action that acts on them) join the set as
 * suggestions of the rules, so no finding depends on the model. The coverage record says which findings the
 * model addressed: a measure of the model, kept in the audit row. Pure.
 */
export function completeWithKnowledge(
  context: PatientContext,
  suggestions: readonly Suggestion[],
): { suggestions: Suggestion[]; coverage: KnowledgeCoverage } {
  const shown = suggestions.filter((suggestion) => suggestion.verdict !== 'block');
  const findings = evaluate(context).map((finding) => ({
    finding,
    coveredBy: shown.filter((suggestion) => addresses(suggestion, finding, context)).map((s) => s.id),
  }));
  const missed = findings.filter(({ coveredBy }) => coveredBy.length === 0);
  return {
    suggestions: [...suggestions, ...missed.map(({ finding }, index) => knowledgeSuggestion(finding, index))],
    coverage: {
      rulesVersion: KNOWLEDGE_VERSION,
      findings: findings.map(({ finding, coveredBy }) => ({
        findingId: finding.id,
        ruleId: finding.ruleId,
        severity: finding.severity,
        coveredBy,
      })),
    },
  };
}
