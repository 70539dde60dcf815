import { z } from 'zod';

/**
 * A FHIR id. R4 allows [A-Za-z0-9\-.]{1,64}; a tolerant reader takes up to 200 characters, because some
 * EHR exports (and the CDC opioid CDS examples) use longer ones.
 */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,200}$/;
export const FhirId = z.string().regex(FHIR_ID, 'must be a FHIR id (letters, digits, - and .)');

/** A relative FHIR reference such as `Condition/123`. */
export const FhirReference = z
  .string()
  .regex(/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,200}$/, 'must be a relative FHIR reference like "Condition/123"');

/**
 * A patient pseudonym: a keyed hash of the EHR's patient id (base64url). It is the Kafka key and the
 * only patient identifier in logs and the audit search index.
 */
export const Pseudonym = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be a pseudonym (16–128 base64url characters)');

export const Coding = z.object({
  system: z.string().max(500).optional(),
  code: z.string().max(200).optional(),
  display: z.string().max(500).optional(),
});
export type Coding = z.infer<typeof Coding>;

export const Quantity = z.object({
  value: z.number().finite(),
  unit: z.string().max(100).optional(),
});

export const IsoDateTime = z.iso.datetime({ offset: true });

/** Analyses the guardrails service can run on a context (the scope: docs/architecture.md#patientcontext). */
export const TaskKind = z.enum(['medication-safety', 'care-gaps', 'summary']);
export type TaskKind = z.infer<typeof TaskKind>;

/** Severity of a guardrail finding. */
export const FindingSeverity = z.enum(['info', 'warning', 'critical']);

/** An explainable guardrail result: which rule, how bad, and why (no PHI in the message). */
export const RuleFinding = z.object({
  ruleId: z
    .string()
    .regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/, 'must be a dotted rule id like "output.allergy-conflict"'),
  severity: FindingSeverity,
  message: z.string().min(1).max(1000),
  /** The context item the finding is about, when there is one. */
  itemRef: FhirReference.optional(),
});
export type RuleFinding = z.infer<typeof RuleFinding>;
