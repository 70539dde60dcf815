import type { Chart } from '../chart/chart.js';
import type { DraftFinding } from '../finding.js';
import { medicationsToCheck, type Rule } from './rule.js';

/**
 * A medication the vocabulary cannot identify (no known code, no known name) is reported, never
 * silently skipped: no allergy, interaction or dose rule could check it. A draft is a warning (it is
 * about to be signed unchecked), a chart medication is information.
 */
export const unidentifiedRule: Rule = {
  id: 'knowledge.unidentified-medication',
  category: 'unidentified-medication',
  title: 'Medications the rules could not identify',
  source: 'fdaEpc',
  evaluate(chart: Chart): DraftFinding[] {
    const medications = medicationsToCheck(chart);
    return medications
      .filter((medication) => medication.drug.identifiedBy === 'none')
      .map((medication) => {
        const coding = medication.item.codings?.find((candidate) => candidate.code);
        const name =
          medication.item.code?.display ??
          medication.item.codeText ??
          (coding ? `code ${coding.code}${coding.system ? ` (${coding.system})` : ''}` : undefined) ??
          (medication.item.medicationRef
            ? `${medication.item.medicationRef}, which could not be read`
            : 'a medication without a code or name');
        return {
          ruleId: 'knowledge.unidentified-medication',
          category: 'unidentified-medication' as const,
          severity: medication.draft ? ('warning' as const) : ('info' as const),
          summary: `Unidentified medication: ${name.length > 80 ? `${name.slice(0, 79)}…` : name}; not checked by the rules`,
          detail:
            'Its codes and name match no drug of the rules’ vocabulary (RxNorm value sets of the HL7 PDDI-CDS and CDC opioid IGs, and the curated ingredient names), so allergy, interaction, opioid, renal and age rules could not check it.',
          action: 'Check this medication against the allergies and other medications by hand.',
          source: 'fdaEpc' as const,
          refs: [medication.item.ref],
          draftRefs: medication.draft ? [medication.item.ref] : [],
        };
      });
  },
};
