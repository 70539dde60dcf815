import type { ContextItem, KnowledgeFinding, PatientContext } from '@aloe/shared/schemas';
import { buildChart } from './chart/chart.js';
import { dayOf } from './chart/dates.js';
import { toFinding } from './finding.js';
import { RULES } from './rules/index.js';
import { ordersMode } from './rules/rule.js';

export interface EvaluateOptions {
  /** The draft orders of an order-select / order-sign call (MedicationRequests as context items). */
  draftOrders?: readonly ContextItem[];
  /** The day to evaluate at (default: the context's capture time). */
  now?: Date;
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

/**
 * Every knowledge rule over one chart. Without draft orders (patient-view) the findings are about what
 * the chart holds; with them (order-select / order-sign) about what the drafts would change, and each
 * cites the drafts it concerns. Each finding names its rule and the guideline behind it, and cites
 * every resource it rests on. Pure: same context and options, same findings (ids included).
 */
export function evaluate(context: PatientContext, options: EvaluateOptions = {}): KnowledgeFinding[] {
  const today = dayOf((options.now ?? new Date(context.capturedAt)).toISOString())!;
  const chart = buildChart(context, options.draftOrders ?? [], today);
  let found = RULES.flatMap((rule) => rule.evaluate(chart));
  if (ordersMode(chart)) found = found.filter((finding) => (finding.draftRefs?.length ?? 0) > 0);
  // CDC recommendation 11 speaks for an opioid with a benzodiazepine or sedative when it applies.
  const rec11 = found.filter((finding) => finding.ruleId === 'knowledge.opioid.rec11-benzodiazepine');
  found = found.filter(
    (finding) =>
      !/^knowledge\.interaction\.opioid-(benzodiazepine|sedative)$/.test(finding.ruleId) ||
      !rec11.some((covering) => finding.refs.every((ref) => covering.refs.includes(ref))),
  );
  const items = new Map([...context.items, ...(options.draftOrders ?? [])].map((item) => [item.ref, item]));
  const stateOf = (ref: string) => (ref === context.patient.ref ? context.patient : items.get(ref));
  const findings = new Map<string, KnowledgeFinding>();
  for (const draft of found) {
    const finding = toFinding(draft, context.patient.ref, stateOf);
    findings.set(finding.id, finding);
  }
  return [...findings.values()].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
