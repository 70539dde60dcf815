import { z } from 'zod';
import { Coding, FhirReference, IsoDateTime, Pseudonym, Quantity, TaskKind } from './common.js';

export const ContextItemKind = z.enum([
  'condition',
  'medication',
  'allergy',
  'observation',
  'encounter',
  'procedure',
  'immunization',
  'care-plan',
  'note',
]);
export type ContextItemKind = z.infer<typeof ContextItemKind>;

/**
 * Which kinds matter most when a context or a prompt must leave items out: what the safety rules read
 * (allergies, medications, problems, results) before what gives background. Lower keeps first.
 */
export const CONTEXT_KIND_PRIORITY: Record<ContextItemKind, number> = {
  allergy: 0,
  medication: 1,
  condition: 2,
  observation: 3,
  note: 4,
  encounter: 5,
  procedure: 6,
  'care-plan': 7,
  immunization: 8,
};

/** The longest free text an item carries (a note is cut there, and the context says so). */
export const MAX_ITEM_TEXT_CHARS = 20_000;

/** The oldest age a context states; a lookback window longer than this reaches before any patient's birth. */
export const MAX_AGE_YEARS = 150;

/** A FHIR Period as the EHR wrote it (ISO 8601 dates or date-times). */
const Period = z.object({ start: z.string().max(40).optional(), end: z.string().max(40).optional() });

/**
 * A medication's structured dosage (FHIR Dosage), as much as dose rules need: the CDC MME calculation
 * reads the dose (or the high end of a range), the administrations per day and the route.
 */
export const Dose = z.object({
  text: z.string().max(500).optional(),
  quantity: Quantity.optional(),
  /** doseRange, when the EHR gave a range instead of a dose. */
  range: z.object({ low: Quantity.optional(), high: Quantity.optional() }).optional(),
  /** rateQuantity (e.g. a patch's mcg/h or an infusion's mL/h). */
  rate: Quantity.optional(),
  /** Administrations per day: from frequency (or frequencyMax) per period, else the count of timeOfDay. */
  frequencyPerDay: z.number().positive().finite().optional(),
  route: z.string().max(100).optional(),
  asNeeded: z.boolean().optional(),
});
export type Dose = z.infer<typeof Dose>;

/** One clinical fact from the EHR; `ref` always points back at the FHIR resource it came from. */
export const ContextItem = z.object({
  ref: FhirReference,
  kind: ContextItemKind,
  /** The preferred coding (RxNorm, SNOMED CT, LOINC …) with the concept's text as display when it has none. */
  code: Coding.optional(),
  /** Every coding of the concept as the EHR sent it (rules match any of them), and its text. */
  codings: z.array(Coding).max(20).optional(),
  /** The concept's text, when the EHR wrote one beside the codings. */
  codeText: z.string().max(500).optional(),
  /** clinicalStatus / status / verificationStatus, as the EHR said it. */
  status: z.string().max(64).optional(),
  category: z.string().max(64).optional(),
  /** When it happened or started: onset, authoredOn, effective[x], period.start (ISO 8601 date or date-time). */
  date: z.string().max(40).optional(),
  /** Observations: the measured value. */
  value: Quantity.optional(),
  /** Observations with a coded or text value, or an interpretation. */
  valueText: z.string().max(500).optional(),
  /** When it ended or must end: abatement, effectivePeriod.end, period.end. */
  end: z.string().max(40).optional(),
  /** Conditions: when the EHR recorded it (recordedDate), beside the onset in `date`. */
  recorded: z.string().max(40).optional(),
  /** Medications: the dose as written, and what we could compute from it. */
  dose: Dose.optional(),
  /** Medications: MedicationRequest.intent (order, plan, proposal …). */
  intent: z.string().max(32).optional(),
  /** Medications: what was asked of the pharmacy (dispenseRequest). */
  supply: z
    .object({
      /** expectedSupplyDuration, in days. */
      days: z.number().nonnegative().finite().optional(),
      quantity: Quantity.optional(),
      refills: z.number().int().nonnegative().optional(),
      validity: Period.optional(),
    })
    .optional(),
  /** Medications coded through `medicationReference`: the Medication resource the codes came from. */
  medicationRef: FhirReference.optional(),
  /** Observations: the interpretation code (e.g. POS, NEG, H, L). */
  interpretation: z.string().max(64).optional(),
  /** Encounters: where the patient went at discharge (hospitalization.dischargeDisposition). */
  disposition: Coding.optional(),
  /** Allergies: criticality and reactions. */
  criticality: z.enum(['low', 'high', 'unable-to-assess']).optional(),
  reactions: z.array(z.string().max(200)).max(20).optional(),
  /** Free text from the EHR (a note excerpt, a comment). Untrusted: the input rails read it before any prompt. */
  text: z.string().max(MAX_ITEM_TEXT_CHARS).optional(),
});
export type ContextItem = z.infer<typeof ContextItem>;

/** The most items a context carries (the Kafka message stays well under the broker's size limit). */
export const MAX_CONTEXT_ITEMS = 2_000;

/**
 * Why resources of the chart are not (wholly) in a context. `bound` is the window in days, the limit in
 * items or pages, or the text limit in characters, as the reason says.
 */
export const OmissionReason = z.enum([
  /** Dated before the lookback window (`bound` days). */
  'outside-window',
  /** Ended medications that started before the window (`bound` days). */
  'ended-before-window',
  /** Beyond the newest `bound` of the type that are read. */
  'over-limit',
  /** The EHR had more result pages than the `bound` followed. */
  'paging-stopped',
  /** The EHR's CDS Hooks prefetch held only part of the search (it sent `bound`). */
  'not-prefetched',
  /** Beyond the `bound` items a context carries (MAX_CONTEXT_ITEMS); the least needed kinds go first. */
  'context-full',
  /** Kept, but their text was cut to its first `bound` characters. */
  'text-truncated',
  /** Resolved, inactive or refuted (problems and allergies the rules do not read). */
  'inactive',
  /** Notes without a text/plain attachment (nothing to read). */
  'no-plain-text',
  /** Sent by the EHR (prefetch) about another patient than the one in context. */
  'other-patient',
  /** Sent by the EHR (prefetch) but of a type no context item is made from. */
  'unsupported-type',
]);
export type OmissionReason = z.infer<typeof OmissionReason>;

/** How many resources of one type a context leaves out, and why. */
export const Omission = z.object({
  /**
   * The FHIR resource type left out (Observation, MedicationRequest …); `Resource` sums many unsupported
   * types. Not named `resourceType`, so no tolerant FHIR reader takes an omission for a resource.
   */
  type: z.string().regex(/^[A-Z][A-Za-z]{1,63}$/, 'must be a FHIR resource type like "Observation"'),
  reason: OmissionReason,
  /** How many; absent when the EHR did not say (some may be left out, none may be). */
  count: z.number().int().positive().optional(),
  /** `count` is a floor: the EHR said there were more but not how many. */
  atLeast: z.literal(true).optional(),
  bound: z.number().int().positive().optional(),
});
export type Omission = z.infer<typeof Omission>;

/** The most omission entries a context carries (resource types × reasons, with room to spare). */
export const MAX_OMISSIONS = 100;

export const TriggerKind = z.enum(['cds-hook', 'subscription', 'api', 'batch']);

/** Patient context captured from the EHR, produced to `aloe.patient-context.v1` keyed by pseudonym. */
export const PatientContext = z.object({
  contextId: z.uuid(),
  trigger: z.object({
    kind: TriggerKind,
    /** CDS Hooks hook name, e.g. `patient-view`. */
    hook: z.string().max(64).optional(),
    hookInstance: z.string().max(100).optional(),
    /** The user who triggered it, as a FHIR reference (Practitioner/…), when known. */
    userRef: FhirReference.optional(),
  }),
  patient: z.object({
    ref: FhirReference,
    pseudonym: Pseudonym,
    /** Age in whole years at capture (never the birth date). */
    ageYears: z.number().int().min(0).max(MAX_AGE_YEARS).optional(),
    sex: z.enum(['female', 'male', 'other', 'unknown']).default('unknown'),
    deceased: z.boolean().optional(),
  }),
  fhirBase: z.url(),
  capturedAt: IsoDateTime,
  items: z.array(ContextItem).max(MAX_CONTEXT_ITEMS),
  /**
   * What the windows and limits left out of `items`, so no reader takes them for the whole chart.
   * Absent (contexts from before it was recorded) reads as empty.
   */
  omitted: z.array(Omission).max(MAX_OMISSIONS).optional(),
  tasks: z.array(TaskKind).min(1),
});
export type PatientContext = z.infer<typeof PatientContext>;
