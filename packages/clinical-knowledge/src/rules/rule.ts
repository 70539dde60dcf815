import type { KnowledgeCategory } from '@aloe/shared/schemas';
import { type Chart, isCurrent, type Medication } from '../chart/chart.js';
import type { SourceId } from '../data/sources.js';
import type { DraftFinding } from '../finding.js';

/**
 * One coded rule. `evaluate` reads the chart (and the draft orders, when the call has some) and says
 * what it finds; with drafts, a rule reports only what the drafts change (order-select / order-sign),
 * without them what the chart holds (patient-view).
 */
export interface Rule {
  id: string;
  category: KnowledgeCategory;
  title: string;
  source: SourceId;
  evaluate(chart: Chart): DraftFinding[];
}

/** An order-select / order-sign call: rules report what its draft orders change. */
export function ordersMode(chart: Chart): boolean {
  return chart.drafts.length > 0;
}

/** The medications a per-drug rule checks: the drafts of an order call, else the chart's current ones. */
export function medicationsToCheck(chart: Chart): Medication[] {
  return ordersMode(chart)
    ? chart.drafts
    : chart.medications.filter((medication) => isCurrent(medication, chart.today));
}
