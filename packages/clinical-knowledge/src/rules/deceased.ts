import { type Chart, isCurrent } from '../chart/chart.js';
import type { DraftFinding } from '../finding.js';
import { drugName } from './interactions.js';
import { ordersMode, type Rule } from './rule.js';

/**
 * A patient the record says has died (Patient.deceased[x]): an order for them is critical (wrong chart,
 * or a record to correct); on patient-view, medication orders still active are flagged.
 */
export const deceasedRule: Rule = {
  id: 'knowledge.deceased',
  category: 'deceased',
  title: 'Orders for a deceased patient',
  source: 'fhirPatientDeceased',
  evaluate(chart: Chart): DraftFinding[] {
    if (!chart.patient.deceased) return [];
    if (ordersMode(chart))
      return [
        {
          ruleId: 'knowledge.deceased.order',
          category: 'deceased',
          severity: 'critical',
          summary: 'The record says this patient has died: check the chart before signing',
          detail: `Patient.deceased is set in the EHR, and ${chart.drafts.length === 1 ? 'an order is' : `${chart.drafts.length} orders are`} being placed (${chart.drafts.map(drugName).join(', ')}).`,
          action:
            'Confirm the right patient is open; if the patient is alive, have the record corrected; otherwise cancel the orders.',
          source: 'fhirPatientDeceased',
          refs: [chart.patient.ref, ...chart.drafts.map((medication) => medication.item.ref)],
          draftRefs: chart.drafts.map((medication) => medication.item.ref),
          suggestions: chart.drafts.map((medication) => ({
            label: `Cancel the ${drugName(medication)} order`,
            kind: 'delete-draft' as const,
            draftRef: medication.item.ref,
          })),
        },
      ];
    const active = chart.medications.filter(
      (medication) => medication.item.status === 'active' && isCurrent(medication, chart.today),
    );
    return [
      {
        ruleId: 'knowledge.deceased.active-orders',
        category: 'deceased',
        severity: active.length > 0 ? 'warning' : 'info',
        summary:
          active.length > 0
            ? `The record says this patient has died, yet ${active.length} medication order${active.length > 1 ? 's are' : ' is'} active`
            : 'The record says this patient has died',
        detail: 'Patient.deceased is set in the EHR.',
        action:
          active.length > 0
            ? 'Stop or complete the active orders, or correct the record.'
            : 'No action unless the record is wrong.',
        source: 'fhirPatientDeceased',
        refs: [chart.patient.ref, ...active.map((medication) => medication.item.ref)],
      },
    ];
  },
};
