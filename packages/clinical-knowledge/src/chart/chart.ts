import type { ContextItem, PatientContext } from '@aloe/shared/schemas';
import { type DrugIdentity, identifyDrug } from '../vocabulary/identify-drug.js';
import { dayOf } from './dates.js';

/** A medication item with what the vocabulary makes of it. */
export interface Medication {
  item: ContextItem;
  drug: DrugIdentity;
  /** A draft order of this order-select / order-sign call (not yet part of the chart). */
  draft: boolean;
  /** authoredOn / effective start, as a calendar day (ms). */
  startDay: number | undefined;
}

/** The chart as the rules read it: items grouped by kind, medications identified, `today` fixed. */
export interface Chart {
  patient: PatientContext['patient'];
  /** The calendar day the rules evaluate at (the capture time unless told otherwise). */
  today: number;
  /** Chart medications (MedicationRequest / MedicationStatement), any status. */
  medications: Medication[];
  drafts: Medication[];
  allergies: ContextItem[];
  conditions: ContextItem[];
  observations: ContextItem[];
  encounters: ContextItem[];
  procedures: ContextItem[];
  carePlans: ContextItem[];
}

// MedicationRequest / MedicationStatement statuses that mean the patient takes (or is to take) the drug.
const CURRENT_STATUSES = new Set(['active', 'on-hold', 'intended', 'draft']);
const ENDED_STATUSES = new Set(['stopped', 'cancelled', 'entered-in-error', 'not-taken', 'revoked']);

// Items are never changed once read: each one's identity is kept beside it until the item is dropped.
const identified = new WeakMap<ContextItem, DrugIdentity>();

export function identifyMedication(item: ContextItem): DrugIdentity {
  let drug = identified.get(item);
  if (!drug) {
    drug = identifyDrug(
      item.codings ?? (item.code ? [item.code] : undefined),
      item.codeText,
      item.dose?.route,
    );
    identified.set(item, drug);
  }
  return drug;
}

export function buildChart(context: PatientContext, drafts: readonly ContextItem[], today: number): Chart {
  const medication = (item: ContextItem, draft: boolean): Medication => ({
    item,
    drug: identifyMedication(item),
    draft,
    startDay: dayOf(item.date),
  });
  const byKind = (kind: ContextItem['kind']) => context.items.filter((item) => item.kind === kind);
  // A draft the adapter also joined to the context is the same order, not history. (Some reference
  // requests reuse a draft's id for another drug on the chart: that one stays history.)
  const sameOrder = (item: ContextItem) => `${item.ref} ${JSON.stringify(item.codings ?? item.code ?? null)}`;
  const draftKeys = new Set(drafts.map(sameOrder));
  return {
    patient: context.patient,
    today,
    // A draft already in the context (the adapter joins them) is not part of the chart's history.
    medications: byKind('medication')
      .filter((item) => !draftKeys.has(sameOrder(item)) && item.status !== 'draft')
      .map((item) => medication(item, false)),
    drafts: [
      ...drafts,
      ...byKind('medication').filter((item) => item.status === 'draft' && !draftKeys.has(sameOrder(item))),
    ].map((item) => medication(item, true)),
    allergies: byKind('allergy'),
    conditions: byKind('condition'),
    observations: byKind('observation'),
    encounters: byKind('encounter'),
    procedures: byKind('procedure'),
    carePlans: byKind('care-plan'),
  };
}

/**
 * Whether a chart medication is taken now: a current status, or (no status, or completed) started
 * within `lookbackDays` — the PDDI-CDS IG looks back 100 days over medication records of any status.
 */
export function isCurrent(medication: Medication, today: number, lookbackDays = 100): boolean {
  const status = medication.item.status;
  if (status && ENDED_STATUSES.has(status)) return false;
  if (status && CURRENT_STATUSES.has(status)) return true;
  if (medication.startDay === undefined) return status === undefined;
  return (
    today - medication.startDay <= lookbackDays * 86_400_000 && medication.startDay <= today + 86_400_000
  );
}

/** The chart medications taken now, then the drafts: what the patient will be on once the orders are signed. */
export function currentMedications(chart: Chart): Medication[] {
  return [...chart.medications.filter((medication) => isCurrent(medication, chart.today)), ...chart.drafts];
}
