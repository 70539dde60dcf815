import type { KnowledgeSuggestion } from '@aloe/shared/schemas';
import type { Chart, Medication } from '../chart/chart.js';
import type { DraftFinding } from '../finding.js';
import { cdcExclusion, endOfLife } from '../opioid/inclusion.js';
import { activeAmbulatoryRx, isAmbulatory, isOpioidAnalgesic } from '../opioid/opioid-meds.js';
import { drugName } from './interactions.js';
import { ordersMode } from './rule.js';

/** What every CDC 2022 rule needs to know about one chart, computed once. */
export interface OpioidContext {
  chart: Chart;
  orders: boolean;
  /** The opioid analgesic prescriptions a rule is about: ambulatory drafts, or (patient-view) active ones. */
  triggers: Medication[];
  /** Why the guideline does not apply (under 18, sickle cell, active cancer, terminal condition). */
  excluded: ReturnType<typeof cdcExclusion>;
  /** Evidence of end of life (conditions, hospice): the IG's exclusion for most recommendations. */
  endOfLife: ReturnType<typeof endOfLife>;
}

export function opioidContext(chart: Chart): OpioidContext {
  const orders = ordersMode(chart);
  return {
    chart,
    orders,
    triggers: orders
      ? chart.drafts.filter((medication) => isOpioidAnalgesic(medication) && isAmbulatory(medication))
      : activeAmbulatoryRx(chart, isOpioidAnalgesic),
    excluded: cdcExclusion(chart),
    endOfLife: endOfLife(chart),
  };
}

/** The applicable state: the guideline applies, and (unless told otherwise) no end of life. */
export function applies(context: OpioidContext, options: { endOfLifeExcludes?: boolean } = {}): boolean {
  return !context.excluded && !((options.endOfLifeExcludes ?? true) && context.endOfLife.length > 0);
}

export function names(medications: readonly Medication[]): string {
  return [...new Set(medications.map(drugName))].join(', ');
}

/** A CDC 2022 finding: rule id `knowledge.opioid.recNN-<what>`, the guideline as its source. */
export function recommendation(
  rec: number,
  what: string,
  finding: Omit<DraftFinding, 'ruleId' | 'category' | 'source' | 'severity'> & {
    severity?: DraftFinding['severity'];
  },
): DraftFinding {
  return {
    severity: 'warning',
    ...finding,
    ruleId: `knowledge.opioid.rec${String(rec).padStart(2, '0')}-${what}`,
    category: 'opioid',
    source: 'cdcOpioid2022',
    detail: `CDC 2022, recommendation ${rec}: ${finding.detail}`,
  };
}

export function cancelDrafts(medications: readonly Medication[]): KnowledgeSuggestion[] {
  return medications
    .filter((medication) => medication.draft)
    .map((medication) => ({
      label: `Cancel the ${drugName(medication)} order`,
      kind: 'delete-draft' as const,
      draftRef: medication.item.ref,
    }));
}

export const refsOf = (medications: readonly Medication[]) =>
  medications.map((medication) => medication.item.ref);
export const draftRefsOf = (medications: readonly Medication[]) =>
  medications.filter((medication) => medication.draft).map((medication) => medication.item.ref);
