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
  'note',
]);
export type ContextItemKind = z.infer<typeof ContextItemKind>;

/** One clinical fact from the EHR; `ref` always points back at the FHIR resource it came from. */
export const ContextItem = z.object({
  ref: FhirReference,
  kind: ContextItemKind,
  code: Coding.optional(),
  /** clinicalStatus / status / verificationStatus, as the EHR said it. */
  status: z.string().max(64).optional(),
  category: z.string().max(64).optional(),
  /** When it happened or started: onset, authoredOn, effective[x], period.start (ISO 8601 date or date-time). */
  date: z.string().max(40).optional(),
  /** Observations: the measured value. */
  value: Quantity.optional(),
  /** Observations with a coded or text value, or an interpretation. */
  valueText: z.string().max(500).optional(),
  /** Medications: the dose as written, and what we could compute from it. */
  dose: z
    .object({
      text: z.string().max(500).optional(),
      quantity: Quantity.optional(),
      frequencyPerDay: z.number().positive().finite().optional(),
      route: z.string().max(100).optional(),
    })
    .optional(),
  /** Allergies: criticality and reactions. */
  criticality: z.enum(['low', 'high', 'unable-to-assess']).optional(),
  reactions: z.array(z.string().max(200)).max(20).optional(),
  /** Free text from the EHR (a note excerpt, a comment). Untrusted: the input rails read it before any prompt. */
  text: z.string().max(20_000).optional(),
});
export type ContextItem = z.infer<typeof ContextItem>;

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
    ageYears: z.number().int().min(0).max(150).optional(),
    sex: z.enum(['female', 'male', 'other', 'unknown']).default('unknown'),
    deceased: z.boolean().optional(),
  }),
  fhirBase: z.url(),
  capturedAt: IsoDateTime,
  items: z.array(ContextItem).max(2_000),
  tasks: z.array(TaskKind).min(1),
});
export type PatientContext = z.infer<typeof PatientContext>;
