// What a suggestion proposes, judged by the same rules as the chart: the medication list as the actions
// would leave it is evaluated with the kept and started drugs as draft orders, so every finding the
// actions would create (or keep alive) cites the drafts it is about. One knowledge, two callers: the
// CDS Hooks calls ask evaluate(), the guardrails' output rails ask this.
import {
  ACTIONS_THAT_KEEP,
  ACTIONS_THAT_REMOVE,
  type ContextItem,
  DOSE_FREQUENCIES,
  doseAmountOf,
  type KnowledgeFinding,
  type PatientContext,
  type SuggestedAction,
} from '@aloe/shared/schemas';
import { identifyMedication } from './chart/chart.js';
import { evaluate } from './evaluate.js';
import { identifyDrug } from './vocabulary/identify-drug.js';
import { ingredientsNamedIn } from './vocabulary/name-index.js';

/** The medication list as the actions leave it, and the orders they would sign. */
export interface ProposedChart {
  context: PatientContext;
  /** Kept, changed and started drugs, as draft orders (a kept chart medication keeps its reference). */
  drafts: ContextItem[];
  /** Per action (same order): the chart medications it is about (by reference or by ingredient). */
  targets: string[][];
}

/** The prefix of the references given to drugs an action starts (no FHIR resource exists for them yet). */
export const PROPOSED_REF_PREFIX = 'MedicationRequest/aloe-proposed-';

const isMedicationRef = (name: string) => /^[A-Z][A-Za-z]+\//.test(name);

/** Ingredients an action's medication names: a chart item's, or a vocabulary drug's. */
function ingredientsOf(name: string, items: ReadonlyMap<string, ContextItem>): string[] {
  const item = items.get(name);
  if (item) return [...identifyMedication(item).ingredients];
  return isMedicationRef(name) ? [] : ingredientsNamedIn(name);
}

function withDose(item: ContextItem, action: SuggestedAction): ContextItem {
  const value = action.dose ? doseAmountOf(action.dose) : undefined;
  if (!action.dose || value === undefined) return item;
  const { unit, frequency } = action.dose;
  const perDay = DOSE_FREQUENCIES[frequency];
  return {
    ...item,
    dose: {
      text: `${action.dose.amount} ${unit} ${frequency}`,
      quantity: { value, unit },
      ...(perDay === undefined ? {} : { frequencyPerDay: perDay }),
      ...(frequency === 'as needed' ? { asNeeded: true } : {}),
      ...(item.dose?.route ? { route: item.dose.route } : {}),
    },
  };
}

/**
 * Applies a suggestion's actions to the chart. stop / hold take the medication off the list; continue /
 * change-dose (with its dose) / start of a chart medication put it back as a draft order; start of a
 * vocabulary drug adds a new draft order. A drug named instead of a reference means the chart's
 * medications with its ingredients (or a new order, when the chart has none). monitor, order-test,
 * refer and none leave the list as it is. Pure.
 */
export function applyActions(context: PatientContext, actions: readonly SuggestedAction[]): ProposedChart {
  const medications = context.items.filter((item) => item.kind === 'medication');
  const byRef = new Map(medications.map((item) => [item.ref, item]));
  const removed = new Set<string>();
  const drafts = new Map<string, ContextItem>();
  const targets: string[][] = [];
  actions.forEach((action, index) => {
    const name = action.medication;
    if (!name || !(ACTIONS_THAT_KEEP.has(action.type) || ACTIONS_THAT_REMOVE.has(action.type))) {
      targets.push([]);
      return;
    }
    const ingredients = new Set(ingredientsOf(name, byRef));
    const onChart = byRef.has(name)
      ? [byRef.get(name)!]
      : medications.filter((item) =>
          identifyMedication(item).ingredients.some((ingredient) => ingredients.has(ingredient)),
        );
    targets.push(onChart.map((item) => item.ref));
    if (ACTIONS_THAT_REMOVE.has(action.type)) {
      for (const item of onChart) {
        removed.add(item.ref);
        drafts.delete(item.ref);
      }
      return;
    }
    if (onChart.length > 0) {
      for (const item of onChart) {
        removed.delete(item.ref);
        drafts.set(item.ref, withDose({ ...item, status: 'draft' }, action));
      }
      return;
    }
    if (isMedicationRef(name)) return; // a reference the chart does not hold: nothing to judge
    const ref = `${PROPOSED_REF_PREFIX}${index + 1}`;
    const drug = identifyDrug(undefined, name);
    drafts.set(
      ref,
      withDose(
        {
          ref,
          kind: 'medication',
          code: { display: drug.display ?? name },
          status: 'draft',
          intent: 'proposal',
          date: context.capturedAt,
        },
        action,
      ),
    );
  });
  const items = context.items.map((item) => (removed.has(item.ref) ? { ...item, status: 'stopped' } : item));
  return { context: { ...context, items }, drafts: [...drafts.values()], targets };
}

/**
 * The knowledge findings a suggestion's actions would create or keep alive: each rule over the list as
 * the actions leave it, reporting only what concerns a kept, changed or started drug. Empty when the
 * actions only take drugs off the list (a "stop amoxicillin: penicillin allergy" is the warning, not a
 * conflict). Pure.
 */
export function evaluateActions(
  context: PatientContext,
  actions: readonly SuggestedAction[],
  options: { now?: Date } = {},
): KnowledgeFinding[] {
  const proposed = applyActions(context, actions);
  if (proposed.drafts.length === 0) return [];
  return evaluate(proposed.context, {
    draftOrders: proposed.drafts,
    ...(options.now ? { now: options.now } : {}),
  });
}
