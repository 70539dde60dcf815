import {
  asMedication,
  evaluateActions,
  ingredientsNamedIn,
  PROPOSED_REF_PREFIX,
} from '@aloe/clinical-knowledge';
import {
  ACTIONS_THAT_KEEP,
  ACTIONS_THAT_REMOVE,
  type ContextItem,
  doseAmountOf,
  type KnowledgeFinding,
  type PatientContext,
  type RuleFinding,
  type SuggestedAction,
} from '@aloe/shared/schemas';
import { RuleId } from '../rule-ids.js';
import type { CandidateSuggestion } from './candidate.js';
import { textOf } from './check-content.js';
import { drugIntentsIn } from './text-intents.js';

const NEEDS_MEDICATION: ReadonlySet<SuggestedAction['type']> = new Set([
  ...ACTIONS_THAT_KEEP,
  ...ACTIONS_THAT_REMOVE,
]);

/** The ingredients an action is about: its chart medication's, or the drug it names. */
function ingredientsOfAction(action: SuggestedAction, items: ReadonlyMap<string, ContextItem>): string[] {
  if (!action.medication) return [];
  const item = items.get(action.medication);
  if (item) return [...asMedication(item).drug.ingredients];
  return ingredientsNamedIn(action.medication);
}

/** Actions that cannot be carried out as written: no drug for a drug action, a dose of zero or less. */
function checkActionForm(actions: readonly SuggestedAction[]): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const action of actions) {
    if (action.dose && doseAmountOf(action.dose) === undefined)
      findings.push({
        ruleId: RuleId.ActionDoseInvalid,
        severity: 'critical',
        message: `A proposed dose of "${action.dose.amount}" ${action.dose.unit} is not an amount that can be given`,
      });
    if (NEEDS_MEDICATION.has(action.type) && !action.medication)
      findings.push({
        ruleId: RuleId.ActionIncomplete,
        severity: 'warning',
        message: `The action "${action.type}" names no medication`,
      });
    if (action.type === 'change-dose' && !action.dose)
      findings.push({
        ruleId: RuleId.ActionIncomplete,
        severity: 'warning',
        message: 'The action "change-dose" gives no new dose',
      });
  }
  return findings;
}

/**
 * The text against its actions: a drug the text says to stop that an action keeps (or the reverse) is
 * a contradiction (block: which one would the clinician act on?); a drug the text says to start or
 * continue that no action carries becomes an implied action, judged by the knowledge like the others,
 * and a warning that the structured proposal is incomplete.
 */
function readText(
  candidate: CandidateSuggestion,
  actions: readonly SuggestedAction[],
  items: ReadonlyMap<string, ContextItem>,
): { findings: RuleFinding[]; implied: SuggestedAction[] } {
  const findings: RuleFinding[] = [];
  const implied: SuggestedAction[] = [];
  const actionsOn = (ingredient: string) =>
    actions.filter((action) => ingredientsOfAction(action, items).includes(ingredient));
  for (const { ingredient, intent } of drugIntentsIn(textOf(candidate))) {
    const on = actionsOn(ingredient);
    const opposite = on.find((action) =>
      intent === 'remove' ? ACTIONS_THAT_KEEP.has(action.type) : ACTIONS_THAT_REMOVE.has(action.type),
    );
    if (opposite) {
      findings.push({
        ruleId: RuleId.TextContradictsActions,
        severity: 'critical',
        message: `The text says to ${intent === 'remove' ? 'stop' : 'keep or start'} ${ingredient}, its action says "${opposite.type}"`,
      });
      continue;
    }
    if (intent === 'keep' && !on.some((action) => ACTIONS_THAT_KEEP.has(action.type))) {
      implied.push({ type: 'start', medication: ingredient, dose: null });
      findings.push({
        ruleId: RuleId.ActionMissing,
        severity: 'warning',
        message: `The text proposes ${ingredient}, which the suggestion's actions do not carry; judged as if they did`,
      });
    }
  }
  return { findings, implied };
}

const SEVERITY: Record<KnowledgeFinding['severity'], RuleFinding['severity']> = {
  critical: 'critical',
  warning: 'warning',
  info: 'info',
};

/** A knowledge finding as a rail finding: the rule's own id, its summary and guideline, the chart item it rests on. */
function asRailFinding(finding: KnowledgeFinding): RuleFinding {
  const onChart = finding.refs.find(
    (ref) => !ref.startsWith(PROPOSED_REF_PREFIX) && !finding.draftRefs.includes(ref),
  );
  return {
    ruleId: finding.ruleId,
    severity: SEVERITY[finding.severity],
    message: `${finding.summary} (${finding.source.label})`.slice(0, 1000),
    ...(onChart ? { itemRef: onChart } : {}),
  };
}

/**
 * The output rails on what a suggestion proposes (docs/architecture.md#output-rails): its actions (and what
 * its text proposes beyond them) applied to the medication list and judged by the clinical knowledge, so
 * "stop amoxicillin: penicillin allergy" passes while "continue amoxicillin" is blocked; an allergen kept or
 * started, a renal limit, an interaction, an opioid dose or a deceased patient is found on the list the
 * suggestion would leave. Pure.
 */
export function checkActions(candidate: CandidateSuggestion, context: PatientContext): RuleFinding[] {
  const actions = candidate.actions ?? [];
  const items = new Map(
    context.items.filter((item) => item.kind === 'medication').map((item) => [item.ref, item]),
  );
  const text = readText(candidate, actions, items);
  const judged = [
    ...actions.filter((action) => !action.dose || doseAmountOf(action.dose) !== undefined),
    ...text.implied,
  ];
  return [
    ...checkActionForm(actions),
    ...text.findings,
    ...evaluateActions(context, judged).map(asRailFinding),
  ];
}
