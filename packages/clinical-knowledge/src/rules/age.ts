import type { Chart } from '../chart/chart.js';
import { AGE_LIMITS } from '../data/age-limits.js';
import type { DraftFinding } from '../finding.js';
import { drugName, hasTag } from './interactions.js';
import { medicationsToCheck, type Rule } from './rule.js';

/**
 * Paediatric contraindications (FDA, BNF for Children) and drugs older adults should avoid (AGS Beers
 * 2023), from the patient's age in years. No age on record: no finding.
 */
export const ageRule: Rule = {
  id: 'knowledge.age',
  category: 'age',
  title: 'Paediatric and geriatric drug limits',
  source: 'beers2023',
  evaluate(chart: Chart): DraftFinding[] {
    const age = chart.patient.ageYears;
    if (age === undefined) return [];
    const medications = medicationsToCheck(chart);
    const findings: DraftFinding[] = [];
    for (const medication of medications) {
      for (const limit of AGE_LIMITS) {
        const applies =
          (limit.under !== undefined && age < limit.under) || (limit.from !== undefined && age >= limit.from);
        if (!applies || !hasTag(medication, limit.drug)) continue;
        if (limit.except?.some((name) => medication.drug.ingredients.includes(name))) continue;
        const name = drugName(medication);
        findings.push({
          ruleId: `knowledge.age.${limit.id}`,
          category: 'age',
          severity: limit.severity,
          summary: `${limit.under !== undefined ? 'Child' : 'Older adult'} (${age} years): ${name}, ${limit.severity === 'critical' ? 'contraindicated' : 'avoid'}`,
          detail: `At ${age} years, ${name}: ${limit.why}.`,
          action: limit.action,
          source: limit.source,
          refs: [medication.item.ref, chart.patient.ref],
          draftRefs: medication.draft ? [medication.item.ref] : [],
          suggestions:
            medication.draft && limit.severity === 'critical'
              ? [{ label: `Cancel the ${name} order`, kind: 'delete-draft', draftRef: medication.item.ref }]
              : [],
        });
      }
    }
    return findings;
  },
};
