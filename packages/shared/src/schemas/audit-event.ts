import { z } from 'zod';
import { FhirReference, IsoDateTime, Pseudonym } from './common.js';

/**
 * What an audit event records: an EHR read (context capture) or write (write-back, review) by the
 * adapter, a CDS Hooks call it answered, an AI decision the guardrails appended to their log, or a
 * clinician's feedback they recorded.
 */
export const AuditAction = z.enum([
  'fhir-read',
  'fhir-write',
  'cds-hook-call',
  'ai-decision',
  'feedback-received',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** FHIR REST interactions an EHR read or write used (http://hl7.org/fhir/restful-interaction). */
export const RestInteraction = z.enum(['read', 'search-type', 'create', 'update']);
export type RestInteraction = z.infer<typeof RestInteraction>;

/**
 * An access, write or decision event for the compliance log, to `aloe.audit.v1`: the guardrails record
 * the adapter's in their audit log, and the adapter writes every one to the EHR as a FHIR AuditEvent.
 * PHI-free: pseudonyms, references, codes and counts, never contents.
 */
export const AuditEvent = z.object({
  /** Stable per event: the FHIR AuditEvent is created once per id however often the event is delivered. */
  eventId: z.uuid(),
  recordedAt: IsoDateTime,
  source: z.enum(['fhir-adapter', 'guardrails', 'inference']),
  action: AuditAction,
  outcome: z.enum(['success', 'failure']),
  patientPseudonym: Pseudonym.optional(),
  /** The patient's reference on the EHR (`Patient/123`), when the service knows it. */
  patientRef: FhirReference.optional(),
  /** The clinician on whose behalf it happened (`Practitioner/123`), when known. */
  userRef: FhirReference.optional(),
  /** The system that called us (a CDS Hooks JWT's `iss`), when another system did. */
  client: z.string().max(500).optional(),
  fhirBase: z.url().optional(),
  /** FHIR REST interactions an EHR read or write used. */
  interactions: z.array(RestInteraction).max(4).optional(),
  /** FHIR resources read or written (references only, never contents). */
  resourceRefs: z.array(FhirReference).max(5_000).default([]),
  correlationId: z.string().max(100).optional(),
  /** PHI-free facts: counts, HTTP status, durations, rule ids. */
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type AuditEvent = z.infer<typeof AuditEvent>;
