import { z } from 'zod';
import { FhirReference, IsoDateTime, Pseudonym } from './common.js';

/**
 * An access or write event for the compliance log, to `aloe.audit.v1` (the FHIR reads and writes of the
 * adapter, CDS Hooks calls). Decisions themselves are written to the audit store by the guardrails service.
 */
export const AuditEvent = z.object({
  eventId: z.uuid(),
  recordedAt: IsoDateTime,
  source: z.enum(['fhir-adapter', 'guardrails', 'inference']),
  action: z.enum(['fhir-read', 'fhir-write', 'cds-hook-call', 'feedback-received']),
  outcome: z.enum(['success', 'failure']),
  patientPseudonym: Pseudonym.optional(),
  fhirBase: z.url().optional(),
  /** FHIR resources read or written (references only, never contents). */
  resourceRefs: z.array(FhirReference).max(5_000).default([]),
  correlationId: z.string().max(100).optional(),
  /** PHI-free facts: counts, HTTP status, durations, rule ids. */
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type AuditEvent = z.infer<typeof AuditEvent>;
