import { type Chart, currentMedications, type Medication } from '../chart/chart.js';
import type { ClassId } from '../data/drug-classes.js';
import { type DrugTag, INTERACTIONS } from '../data/interactions.js';
import type { DraftFinding } from '../finding.js';
import { ordersMode, type Rule } from './rule.js';

/** Whether a medication is (or contains) a drug or a member of a class. */
export function hasTag(medication: Medication, tag: DrugTag): boolean {
  return medication.drug.ingredients.includes(tag) || medication.drug.classes.has(tag as ClassId);
}

/** The short name a card uses for a medication: its ingredients, else its display. */
export function drugName(medication: Medication): string {
  return medication.drug.ingredients.join('/') || medication.item.code?.display || 'an unnamed medication';
}

/**
 * Every pair of medications the patient takes (or is being ordered), each pair once, in the order of
 * the list. With drafts, only pairs that include a draft: what signing the orders would add.
 */
export function medicationPairs(chart: Chart): Array<[Medication, Medication]> {
  const medications = currentMedications(chart);
  const pairs: Array<[Medication, Medication]> = [];
  for (let i = 0; i < medications.length; i++)
    for (let j = i + 1; j < medications.length; j++) {
      const [first, second] = [medications[i]!, medications[j]!];
      if (ordersMode(chart) && !first.draft && !second.draft) continue;
      // The same product twice (a renewal beside the old order) is not an interaction.
      if (
        first.drug.ingredients.join() === second.drug.ingredients.join() &&
        first.drug.ingredients.length > 0
      )
        continue;
      pairs.push([first, second]);
    }
  return pairs;
}

/** Pairs the PDDI-CDS rules cover with their modifiers (pddi-warfarin-nsaids.ts, pddi-digoxin-cyclosporine.ts). */
function coveredByPddi(a: Medication, b: Medication): boolean {
  const either = (x: DrugTag, y: DrugTag) => (hasTag(a, x) && hasTag(b, y)) || (hasTag(a, y) && hasTag(b, x));
  return either('vitamin-k-antagonists', 'nsaids') || either('digoxin', 'cyclosporine');
}

/**
 * Known interacting pairs (data/interactions.ts: ONC high-priority DDIs, FDA labels and boxed
 * warnings). Each pair of medications reports the first row it matches.
 */
export const interactionRule: Rule = {
  id: 'knowledge.interaction',
  category: 'interaction',
  title: 'Drug-drug interactions (ONC high-priority list, FDA labels)',
  source: 'oncHighPriorityDdi',
  evaluate(chart: Chart): DraftFinding[] {
    const findings: DraftFinding[] = [];
    for (const [a, b] of medicationPairs(chart)) {
      if (coveredByPddi(a, b)) continue;
      const row = INTERACTIONS.find(
        (candidate) =>
          (hasTag(a, candidate.a) && hasTag(b, candidate.b)) ||
          (hasTag(a, candidate.b) && hasTag(b, candidate.a)),
      );
      if (!row) continue;
      const [first, second] = hasTag(a, row.a) ? [a, b] : [b, a];
      const drafts = [first, second].filter((medication) => medication.draft);
      findings.push({
        ruleId: `knowledge.interaction.${row.id}`,
        category: 'interaction',
        severity: row.severity,
        summary: `Interaction: ${drugName(first)} + ${drugName(second)}, risk of ${row.risk}`,
        detail: `${row.detail} (${first.item.code?.display ?? drugName(first)}; ${second.item.code?.display ?? drugName(second)}.)`,
        action: row.action,
        source: row.source,
        refs: [first.item.ref, second.item.ref],
        draftRefs: drafts.map((medication) => medication.item.ref),
        suggestions: drafts.map((medication) => ({
          label: `Cancel the ${drugName(medication)} order`,
          kind: 'delete-draft' as const,
          draftRef: medication.item.ref,
        })),
      });
    }
    return findings;
  },
};
