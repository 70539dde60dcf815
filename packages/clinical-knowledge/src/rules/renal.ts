import type { Chart } from '../chart/chart.js';
import { kidneyFunction } from '../chart/kidney-function.js';
import { RENAL_LIMITS } from '../data/renal-limits.js';
import type { DraftFinding } from '../finding.js';
import { drugName, hasTag } from './interactions.js';
import { medicationsToCheck, type Rule } from './rule.js';

const RANK = { critical: 2, warning: 1, info: 0 } as const;

/**
 * Drugs to avoid or dose-reduce at the patient's kidney function (FDA labels, AGS Beers 2023, KDIGO
 * 2024), from the latest eGFR (or CKD-EPI 2021 from creatinine) of the last year.
 */
export const renalRule: Rule = {
  id: 'knowledge.renal',
  category: 'renal',
  title: 'Renal dose limits',
  source: 'beers2023',
  evaluate(chart: Chart): DraftFinding[] {
    const kidney = kidneyFunction(chart);
    if (!kidney) return [];
    const medications = medicationsToCheck(chart);
    const findings: DraftFinding[] = [];
    for (const medication of medications) {
      const limit = RENAL_LIMITS.filter(
        (row) =>
          kidney.egfr < row.below &&
          hasTag(medication, row.drug) &&
          !(row.systemicOnly && medication.drug.localForm),
      ).sort((a, b) => RANK[b.severity] - RANK[a.severity] || a.below - b.below)[0];
      if (!limit) continue;
      const name = drugName(medication);
      findings.push({
        ruleId: `knowledge.renal.${limit.drug}`,
        category: 'renal',
        severity: limit.severity,
        summary: `Kidney function: ${name} at eGFR ${kidney.egfr} (below ${limit.below}): ${limit.advice}`,
        detail: `${kidney.how}. Below ${limit.below} mL/min/1.73 m², ${name}: ${limit.advice}.${limit.source === 'beers2023' ? ' (The Beers criteria state creatinine clearance; eGFR stands in for it here: check with the Cockcroft-Gault clearance for dosing.)' : ''}`,
        action: limit.action,
        source: limit.source,
        refs: [medication.item.ref, kidney.item.ref],
        draftRefs: medication.draft ? [medication.item.ref] : [],
        suggestions:
          medication.draft && limit.severity === 'critical'
            ? [{ label: `Cancel the ${name} order`, kind: 'delete-draft', draftRef: medication.item.ref }]
            : [],
      });
    }
    return findings;
  },
};
