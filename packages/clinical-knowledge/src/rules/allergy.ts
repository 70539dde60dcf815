import type { ContextItem } from '@aloe/shared/schemas';
import type { Chart } from '../chart/chart.js';
import { CLASS_WORDS, CROSS_REACTIVITY } from '../data/cross-reactivity.js';
import { type ClassId, DRUG_CLASSES, withParents } from '../data/drug-classes.js';
import type { DraftFinding } from '../finding.js';
import { type DrugIdentity, identifyDrug } from '../vocabulary/identify-drug.js';
import { medicationsToCheck, type Rule } from './rule.js';

export const ALLERGY_RULE_ID = 'knowledge.allergy.drug';

export interface Allergen {
  item: ContextItem;
  ingredients: readonly string[];
  classes: ReadonlySet<ClassId>;
  name: string;
}

/** What an allergy record is an allergy to: coded or named drugs, and classes named outright. */
export function allergenOf(item: ContextItem): Allergen | undefined {
  if (item.category && item.category !== 'medication' && item.category !== 'biologic') return undefined;
  const text = [item.codeText, ...(item.codings ?? []).map((coding) => coding.display), item.code?.display]
    .filter(Boolean)
    .join(' / ');
  const drug = identifyDrug(item.codings ?? (item.code ? [item.code] : undefined), item.codeText);
  const classes = new Set<ClassId>(drug.classes);
  const named = CLASS_WORDS.filter(([pattern]) => pattern.test(text)).map(([, classId]) => classId);
  for (const classId of named) for (const parent of withParents(classId)) classes.add(parent);
  if (drug.ingredients.length === 0 && classes.size === 0) return undefined;
  return {
    item,
    ingredients: drug.ingredients,
    classes,
    name:
      drug.ingredients.join('/') ||
      (named[0] ? DRUG_CLASSES[named[0]].display : DRUG_CLASSES[[...classes][0]!].display),
  };
}

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;

/** A severe recorded reaction (high criticality, anaphylaxis) makes even a low cross-reactivity a warning. */
export function severeReaction(item: ContextItem): boolean {
  return item.criticality === 'high' || (item.reactions ?? []).some((reaction) => /anaphyla/i.test(reaction));
}

/** Whether a drug conflicts with an allergen: the same ingredient, or a cross-reactive class. */
export function allergenConflict(
  allergen: Allergen,
  drug: DrugIdentity,
): { severity: 'critical' | 'warning' | 'info'; why: string } | undefined {
  const same = drug.ingredients.filter((ingredient) => allergen.ingredients.includes(ingredient));
  if (same.length > 0)
    return { severity: 'critical', why: `the same drug (${same.join(', ')}) as the recorded allergy` };
  const row = CROSS_REACTIVITY.filter(
    (candidate) => allergen.classes.has(candidate.allergen) && drug.classes.has(candidate.drug),
  ).sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])[0];
  if (!row) return undefined;
  return row.severity === 'info' && severeReaction(allergen.item)
    ? { severity: 'warning', why: `${row.why}, but the recorded reaction was severe` }
    : { severity: row.severity, why: row.why };
}

/**
 * A drug the patient is allergic to, or one that cross-reacts with the allergen's class (AAAAI/ACAAI
 * 2022 drug allergy practice parameter). Orders: the drafts against every allergy; patient-view: the
 * current medications against every allergy.
 */
export const allergyRule: Rule = {
  id: ALLERGY_RULE_ID,
  category: 'allergy',
  title: 'Drug allergy and cross-reactivity',
  source: 'drugAllergy2022',
  evaluate(chart: Chart): DraftFinding[] {
    const allergens = chart.allergies.map(allergenOf).filter((allergen) => allergen !== undefined);
    if (allergens.length === 0) return [];
    const medications = medicationsToCheck(chart);
    const findings: DraftFinding[] = [];
    for (const medication of medications) {
      for (const allergen of allergens) {
        const found = allergenConflict(allergen, medication.drug);
        if (!found) continue;
        const drug = medication.drug.ingredients.join('/') || 'this drug';
        const reactions = allergen.item.reactions?.length
          ? `; reaction: ${allergen.item.reactions.join(', ')}`
          : '';
        const criticality = allergen.item.criticality ? `, criticality ${allergen.item.criticality}` : '';
        findings.push({
          ruleId: ALLERGY_RULE_ID,
          category: 'allergy',
          severity: found.severity,
          summary: medication.draft
            ? `Allergy: ${drug} ordered for a patient with a recorded ${allergen.name} allergy`
            : `Allergy: ${drug} on the medication list of a patient with a recorded ${allergen.name} allergy`,
          detail: `The chart records an allergy to ${allergen.name}${criticality}${reactions}. ${capitalize(drug)} is ${found.why}.`,
          action:
            found.severity === 'info'
              ? `Low risk: ${drug} may be given if the allergy history supports it; monitor for a reaction.`
              : `Do not give ${drug} unless the allergy has been evaluated and ruled out; choose a drug from another class.`,
          source: 'drugAllergy2022',
          refs: [medication.item.ref, allergen.item.ref],
          draftRefs: medication.draft ? [medication.item.ref] : [],
          suggestions: medication.draft
            ? [{ label: `Cancel the ${drug} order`, kind: 'delete-draft', draftRef: medication.item.ref }]
            : [],
        });
      }
    }
    return findings;
  },
};

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
