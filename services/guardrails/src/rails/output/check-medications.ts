import {
  allergyConflict,
  asMedication,
  type DrugIdentity,
  drugsNamedIn,
  interactionBetween,
  MME_THRESHOLDS,
  dailyMme as mmeOf,
  totalMme as mmeTotal,
} from '@aloe/clinical-knowledge';
import type { ContextItem, PatientContext, RuleFinding } from '@aloe/shared/schemas';
import { RuleId } from '../rule-ids.js';
import type { CandidateSuggestion } from './candidate.js';
import { textOf } from './check-content.js';

// The drug knowledge is the clinical-knowledge package's (the same tables the CDS Hooks cards use);
// these rails ask it about the drugs a suggestion names.

const activeMedications = (context: PatientContext) =>
  context.items.filter(
    (item) =>
      item.kind === 'medication' &&
      !['stopped', 'completed', 'cancelled', 'entered-in-error'].includes(item.status ?? ''),
  );

const name = (drug: DrugIdentity) => drug.ingredients.join('/');

/** Drugs a suggestion brings into play: those it names, and those of the medication items it cites. */
function suggestedDrugs(suggestion: CandidateSuggestion, context: PatientContext): DrugIdentity[] {
  const cited = new Set(suggestion.citations);
  const drugs = [
    ...drugsNamedIn(textOf(suggestion)),
    ...context.items
      .filter((item) => item.kind === 'medication' && cited.has(item.ref))
      .map((item) => asMedication(item).drug),
  ];
  return [
    ...new Map(
      drugs.filter((drug) => drug.ingredients.length > 0).map((drug) => [name(drug), drug]),
    ).values(),
  ];
}

/**
 * A suggested drug the patient is allergic to → block; class cross-reactivity warns (a penicillin
 * allergy blocks amoxicillin, warns on cephalexin). Low-risk cross-reactivity (info) is not a finding.
 */
export function checkAllergyConflict(
  suggestion: CandidateSuggestion,
  context: PatientContext,
): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const drugs = drugsNamedIn(textOf(suggestion));
  for (const allergy of context.items.filter((item) => item.kind === 'allergy')) {
    for (const drug of drugs) {
      const conflict = allergyConflict(allergy, drug);
      if (!conflict || conflict.severity === 'info') continue;
      findings.push({
        ruleId: RuleId.AllergyConflict,
        severity: conflict.severity,
        message:
          conflict.severity === 'critical'
            ? `Suggests ${name(drug)}, a recorded allergy (${conflict.allergen})`
            : `Suggests ${name(drug)} with a recorded ${conflict.allergen} allergy: ${conflict.why}`,
        itemRef: allergy.ref,
      });
    }
  }
  return findings;
}

/** Known interacting pairs between the suggestion's drugs and the patient's other active medications → warn. */
export function checkInteractions(suggestion: CandidateSuggestion, context: PatientContext): RuleFinding[] {
  const involved = suggestedDrugs(suggestion, context);
  if (involved.length === 0) return [];
  const findings: RuleFinding[] = [];
  const seen = new Set<string>();
  for (const medication of activeMedications(context)) {
    const other = asMedication(medication).drug;
    for (const drug of involved) {
      if (name(drug) === name(other)) continue;
      const interaction = interactionBetween(drug, other);
      const key = [name(drug), name(other)].sort().join('+');
      if (!interaction || seen.has(key)) continue;
      seen.add(key);
      findings.push({
        ruleId: RuleId.Interaction,
        severity: interaction.severity === 'critical' ? 'critical' : 'warning',
        message: `${name(drug)} + ${name(other)}: risk of ${interaction.risk} (${interaction.source.label})`,
        itemRef: medication.ref,
      });
    }
  }
  return findings;
}

/** Daily morphine milligram equivalents of one medication item (CDC 2022 factors), when its dose can be read. */
export function dailyMme(item: ContextItem): number | undefined {
  return mmeOf(asMedication(item)).mmePerDay;
}

/** The patient's total opioid MME/day over active medications (undefined when no opioid dose can be read). */
export function totalMme(context: PatientContext): number | undefined {
  const opioids = activeMedications(context)
    .map(asMedication)
    .filter((medication) => (mmeOf(medication).mmePerDay ?? 0) > 0);
  return opioids.length === 0 ? undefined : mmeTotal(opioids).total;
}

/** Opioid MME/day at or above the CDC thresholds → warn, on suggestions that involve an opioid. */
export function checkOpioidMme(
  suggestion: CandidateSuggestion,
  context: PatientContext,
  mme = totalMme(context),
): RuleFinding[] {
  if (mme === undefined || mme < MME_THRESHOLDS.reassess) return [];
  if (!suggestedDrugs(suggestion, context).some((drug) => drug.classes.has('opioids'))) return [];
  const level = mme >= MME_THRESHOLDS.avoid ? MME_THRESHOLDS.avoid : MME_THRESHOLDS.reassess;
  return [
    {
      ruleId: RuleId.OpioidMme,
      severity: 'warning',
      message: `Opioid dose ${Math.round(mme)} MME/day, at or above ${level} MME/day (CDC 2022 thresholds)`,
    },
  ];
}
