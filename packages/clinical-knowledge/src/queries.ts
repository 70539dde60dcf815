// The knowledge as single questions, for callers that hold drugs rather than a chart (the guardrails'
// output rails read the drugs a model's suggestion names). The same tables and functions as evaluate().
import type { ContextItem } from '@aloe/shared/schemas';
import { identifyMedication, type Medication } from './chart/chart.js';
import { dayOf } from './chart/dates.js';
import { type DrugTag, INTERACTIONS } from './data/interactions.js';
import { SOURCES } from './data/sources.js';
import { allergenConflict, allergenOf } from './rules/allergy.js';
import { type DrugIdentity, identifyDrug } from './vocabulary/identify-drug.js';
import { ingredientsNamedIn } from './vocabulary/name-index.js';

/** A chart medication from a context item (identified), for dailyMme and the like. */
export function asMedication(item: ContextItem): Medication {
  return { item, drug: identifyMedication(item), draft: item.status === 'draft', startDay: dayOf(item.date) };
}

/** One identity per drug a text names (US, INN or brand names), in the order found. */
export function drugsNamedIn(text: string | undefined): DrugIdentity[] {
  return ingredientsNamedIn(text).map((ingredient) => identifyDrug(undefined, ingredient));
}

const has = (drug: DrugIdentity, tag: DrugTag) =>
  drug.ingredients.includes(tag) || drug.classes.has(tag as never);

/**
 * Whether a drug conflicts with an allergy record: the allergen itself (critical), or a cross-reactive
 * class (AAAAI/ACAAI 2022). Undefined when the allergy is not to a drug, or nothing applies.
 */
export function allergyConflict(
  allergy: ContextItem,
  drug: DrugIdentity,
): { severity: 'critical' | 'warning' | 'info'; why: string; allergen: string } | undefined {
  const allergen = allergenOf(allergy);
  if (!allergen) return undefined;
  const conflict = allergenConflict(allergen, drug);
  return conflict ? { ...conflict, allergen: allergen.name } : undefined;
}

export interface InteractionAnswer {
  id: string;
  severity: 'critical' | 'warning' | 'info';
  risk: string;
  source: { label: string; url: string };
}

/**
 * Whether two drugs interact: the HL7 PDDI-CDS pairs (warfarin + NSAIDs, digoxin + cyclosporine, here
 * without their chart modifiers) and the ONC/FDA table.
 */
export function interactionBetween(a: DrugIdentity, b: DrugIdentity): InteractionAnswer | undefined {
  const either = (x: DrugTag, y: DrugTag) => (has(a, x) && has(b, y)) || (has(a, y) && has(b, x));
  if (either('vitamin-k-antagonists', 'nsaids'))
    return {
      id: 'warfarin-nsaids',
      severity: 'warning',
      risk: 'bleeding',
      source: { ...SOURCES.pddiWarfarinNsaids },
    };
  if (either('digoxin', 'cyclosporine'))
    return {
      id: 'digoxin-cyclosporine',
      severity: 'warning',
      risk: 'digoxin toxicity',
      source: { ...SOURCES.pddiDigoxinCyclosporine },
    };
  const row = INTERACTIONS.find((candidate) => either(candidate.a, candidate.b));
  return row
    ? { id: row.id, severity: row.severity, risk: row.risk, source: { ...SOURCES[row.source] } }
    : undefined;
}
