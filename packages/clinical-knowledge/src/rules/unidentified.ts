import type { Chart, Medication } from '../chart/chart.js';
import type { DraftFinding } from '../finding.js';
import { medicationsToCheck, ordersMode, type Rule } from './rule.js';

const RULE_ID = 'knowledge.unidentified-medication';
const DETAIL =
  'Its codes and name match no drug of the rules’ vocabulary (RxNorm value sets of the HL7 PDDI-CDS and CDC opioid IGs, and the curated ingredient names), so allergy, interaction, opioid, renal and age rules could not check it.';

/** What a clinician can recognise the medication by: its name, else its code, else the unread reference. */
function nameOf(medication: Medication): string {
  const { item } = medication;
  const coding = item.codings?.find((candidate) => candidate.code);
  const name =
    item.code?.display ??
    item.codeText ??
    (coding ? `code ${coding.code}${coding.system ? ` (${coding.system})` : ''}` : undefined) ??
    (item.medicationRef
      ? `${item.medicationRef}, which could not be read`
      : 'a medication without a code or name');
  return name.length > 80 ? `${name.slice(0, 79)}…` : name;
}

/**
 * A medication the vocabulary cannot identify (no known code, no known name) is reported, never
 * silently skipped: no allergy, interaction or dose rule could check it. Each draft is a warning (it is
 * about to be signed unchecked); on patient-view one information finding lists the chart's ones.
 */
export const unidentifiedRule: Rule = {
  id: RULE_ID,
  category: 'unidentified-medication',
  title: 'Medications the rules could not identify',
  source: 'fdaEpc',
  evaluate(chart: Chart): DraftFinding[] {
    const unknown = medicationsToCheck(chart).filter((medication) => medication.drug.identifiedBy === 'none');
    if (unknown.length === 0) return [];
    if (ordersMode(chart))
      return unknown.map((medication) => ({
        ruleId: RULE_ID,
        category: 'unidentified-medication' as const,
        severity: 'warning' as const,
        summary: `Unidentified medication: ${nameOf(medication)}; not checked by the rules`,
        detail: DETAIL,
        action: 'Check this medication against the allergies and other medications by hand.',
        source: 'fdaEpc' as const,
        refs: [medication.item.ref],
        draftRefs: [medication.item.ref],
      }));
    const names = unknown.map(nameOf);
    return [
      {
        ruleId: RULE_ID,
        category: 'unidentified-medication',
        severity: 'info',
        summary:
          unknown.length === 1
            ? `Unidentified medication: ${names[0]}; not checked by the rules`
            : `${unknown.length} medications the rules could not identify: ${names.join(', ')}`,
        detail:
          unknown.length === 1
            ? DETAIL
            : DETAIL.replace('Its codes and name match', 'Their codes and names match').replace(
                'check it',
                'check them',
              ),
        action: 'Check these medications against the allergies and other medications by hand.',
        source: 'fdaEpc',
        refs: unknown.map((medication) => medication.item.ref),
      },
    ];
  },
};
