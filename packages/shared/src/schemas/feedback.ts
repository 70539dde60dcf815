import { z } from 'zod';
import { Coding, FhirReference, IsoDateTime, Pseudonym } from './common.js';

/** A clinician's answer to a suggestion (CDS Hooks 2.0 feedback, or the sidebar page), to `aloe.feedback.v1`. */
export const Feedback = z.object({
  feedbackId: z.uuid(),
  patientPseudonym: Pseudonym,
  /** The suggestion set the card came from (`knowledge` for a card of the clinical rules). */
  setId: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/)
    .optional(),
  suggestionId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/),
  /** The knowledge rule behind the card, when the card came from rules rather than the model. */
  ruleId: z.string().max(100).optional(),
  /** The CDS Hooks card uuid, when the feedback came through CDS Hooks. */
  cardId: z.string().max(100).optional(),
  source: z.enum(['cds-hooks', 'sidebar']),
  outcome: z.enum(['accepted', 'overridden']),
  /** CDS Hooks overrideReason.reason: a coding from the service's override reasons. */
  overrideReason: Coding.optional(),
  /** The clinician who answered (the sidebar's verified fhirUser; CDS Hooks feedback names none). */
  userRef: FhirReference.optional(),
  outcomeTimestamp: IsoDateTime,
});
export type Feedback = z.infer<typeof Feedback>;
