import type { ContextItem, PatientContext, RuleFinding } from '@aloe/shared/schemas';
import { CROSS_REACTIVITY } from '../data/drug-classes.js';
import { INTERACTIONS } from '../data/interactions.js';
import { FENTANYL_PATCH_MCG_PER_HOUR_FACTOR, MME_FACTORS, MME_THRESHOLDS } from '../data/opioid-mme.js';
import { classesOf, findClasses, findDrugs } from '../drug-mentions.js';
import { RuleId } from '../rule-ids.js';
import type { CandidateSuggestion } from './candidate.js';
import { textOf } from './check-content.js';

const activeMedications = (context: PatientContext) =>
  context.items.filter(
    (item) => item.kind === 'medication' && item.status !== 'stopped' && item.status !== 'completed',
  );

/** Drugs a suggestion brings into play: those it names, and those of the medication items it cites. */
function suggestedDrugs(suggestion: CandidateSuggestion, context: PatientContext): Set<string> {
  const drugs = new Set(findDrugs(textOf(suggestion)));
  const cited = new Set(suggestion.citations);
  for (const item of context.items) {
    if (item.kind === 'medication' && cited.has(item.ref))
      for (const drug of findDrugs(item.code?.display)) drugs.add(drug);
  }
  return drugs;
}

/**
 * A suggested drug the patient is allergic to → block; class cross-reactivity counts (a penicillin
 * allergy blocks amoxicillin, warns on cephalosporins).
 */
export function checkAllergyConflict(
  suggestion: CandidateSuggestion,
  context: PatientContext,
): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const allergies = context.items.filter((item) => item.kind === 'allergy');
  const drugs = findDrugs(textOf(suggestion));
  for (const allergy of allergies) {
    const allergyDrugs = findDrugs(allergy.code?.display);
    const allergyClasses = findClasses(allergy.code?.display);
    for (const drug of drugs) {
      if (allergyDrugs.has(drug)) {
        findings.push({
          ruleId: RuleId.AllergyConflict,
          severity: 'critical',
          message: `Suggests ${drug}, a recorded allergy`,
          itemRef: allergy.ref,
        });
        continue;
      }
      const rule = CROSS_REACTIVITY.find(
        (candidate) =>
          allergyClasses.has(candidate.allergyClass) && classesOf(drug).includes(candidate.drugClass),
      );
      if (rule) {
        findings.push({
          ruleId: RuleId.AllergyConflict,
          severity: rule.severity,
          message: `Suggests ${drug} (${rule.drugClass}) with a recorded ${rule.allergyClass} allergy: cross-reactivity`,
          itemRef: allergy.ref,
        });
      }
    }
  }
  return findings;
}

/** Known interacting pairs between the suggestion's drugs and the patient's other active medications → warn. */
export function checkInteractions(suggestion: CandidateSuggestion, context: PatientContext): RuleFinding[] {
  const involved = suggestedDrugs(suggestion, context);
  if (involved.size === 0) return [];
  const findings: RuleFinding[] = [];
  const seen = new Set<string>();
  const tags = (drug: string) => new Set([drug, ...classesOf(drug)]);
  for (const medication of activeMedications(context)) {
    for (const other of findDrugs(medication.code?.display)) {
      for (const drug of involved) {
        if (drug === other) continue;
        const [mine, theirs] = [tags(drug), tags(other)];
        const rule = INTERACTIONS.find(
          (pair) => (mine.has(pair.a) && theirs.has(pair.b)) || (mine.has(pair.b) && theirs.has(pair.a)),
        );
        const key = [drug, other].sort().join('+');
        if (rule && !seen.has(key)) {
          seen.add(key);
          findings.push({
            ruleId: RuleId.Interaction,
            severity: 'warning',
            message: `${drug} + ${other}: ${rule.message}`,
            itemRef: medication.ref,
          });
        }
      }
    }
  }
  return findings;
}

/** Daily morphine milligram equivalents of one medication item, when its dose can be read (CDC 2022 factors). */
export function dailyMme(item: ContextItem): number | undefined {
  const [drug] = [...findDrugs(item.code?.display)].filter(
    (name) => name in MME_FACTORS || name === 'fentanyl',
  );
  const quantity = item.dose?.quantity;
  if (!drug || !quantity) return undefined;
  if (drug === 'fentanyl') {
    return /mcg\/h|ug\/h|microgram/i.test(`${quantity.unit ?? ''} ${item.dose?.text ?? ''}`)
      ? quantity.value * FENTANYL_PATCH_MCG_PER_HOUR_FACTOR
      : undefined;
  }
  const perDay = item.dose?.frequencyPerDay;
  if (!perDay || (quantity.unit && !/^mg$/i.test(quantity.unit))) return undefined;
  return quantity.value * perDay * MME_FACTORS[drug]!;
}

/** The patient's total opioid MME/day over active medications (a number, or undefined when none can be read). */
export function totalMme(context: PatientContext): number | undefined {
  const values = activeMedications(context)
    .map(dailyMme)
    .filter((value): value is number => value !== undefined);
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0);
}

/** Opioid MME/day at or above the CDC thresholds → warn, on suggestions that involve an opioid. */
export function checkOpioidMme(
  suggestion: CandidateSuggestion,
  context: PatientContext,
  mme = totalMme(context),
): RuleFinding[] {
  if (mme === undefined || mme < MME_THRESHOLDS.reassess) return [];
  const involvesOpioid = [...suggestedDrugs(suggestion, context)].some((drug) =>
    classesOf(drug).includes('opioids'),
  );
  if (!involvesOpioid) return [];
  const level =
    mme >= MME_THRESHOLDS.avoid
      ? `at or above ${MME_THRESHOLDS.avoid}`
      : `at or above ${MME_THRESHOLDS.reassess}`;
  return [
    {
      ruleId: RuleId.OpioidMme,
      severity: 'warning',
      message: `Opioid dose ${Math.round(mme)} MME/day, ${level} MME/day (CDC 2022 thresholds)`,
    },
  ];
}
