import { evaluate, KNOWLEDGE_VERSION } from '@aloe/clinical-knowledge';
import {
  type ContextItem,
  type Evidence,
  evidenceOf,
  type KnowledgeReport,
  type PatientContext,
  patientEvidence,
} from '@aloe/shared/schemas';

/**
 * The clinical rules over one chart (and the draft orders of an order call), with a snapshot of every
 * resource the findings cite, so cards and the sidebar show the evidence without the chart. Pure.
 */
export function checkChart(
  context: PatientContext,
  drafts: readonly ContextItem[],
  now: Date,
): KnowledgeReport {
  const findings = evaluate(context, { draftOrders: drafts, now });
  const items = new Map<string, ContextItem>();
  for (const item of context.items) items.set(item.ref, item);
  for (const draft of drafts)
    items.set(draft.ref, { ...draft, valueText: draft.valueText ?? 'draft order, not signed' });
  const cited = new Set(findings.flatMap((finding) => finding.refs));
  const evidence = [...cited]
    .map((ref): Evidence | undefined => {
      if (ref === context.patient.ref) return patientEvidence(context.patient);
      const item = items.get(ref);
      return item ? evidenceOf(item) : undefined;
    })
    .filter((item): item is Evidence => item !== undefined);
  return {
    patient: { ref: context.patient.ref, pseudonym: context.patient.pseudonym },
    evaluatedAt: now.toISOString(),
    rulesVersion: KNOWLEDGE_VERSION,
    findings,
    evidence,
  };
}
