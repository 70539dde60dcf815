import type { Logger } from '@aloe/shared/logging';
import { type AuditEvent, type Feedback, FhirReference } from '@aloe/shared/schemas';
import type { Bundle, Provenance } from '@medplum/fhirtypes';
import { buildAuditEvent } from '../audit/audit-event.js';
import { KNOWLEDGE_SET_ID } from '../cards/card-store.js';
import { acceptanceEntries, reviewedResource } from '../write-back/review.js';
import type { WrittenSuggestion } from '../write-back/supersede.js';
import { assertValidBundle } from '../write-back/validate-resources.js';

export interface ApplyReviewDeps {
  /** The EHR's FHIR base (updates name what they replace by its absolute URL). */
  fhirBase: string;
  /** Everything a suggestion set wrote to the EHR (EHR reads). */
  readSet: (setId: string) => Promise<{ suggestions: WrittenSuggestion[]; provenances: Provenance[] }>;
  submit: (bundle: Bundle) => Promise<{ references: string[]; created: number }>;
  audit: (event: AuditEvent) => Promise<void>;
  logger: Logger;
  newId: () => string;
  now: () => Date;
}

/**
 * A clinician's acceptance, in the EHR (consumer of `aloe.feedback.v1`): the accepted suggestion's
 * written resource becomes reviewed (DetectedIssue `final`, Communication `completed`) and its
 * Provenance gains the clinician as `verifier`, in one version-checked transaction. Only feedback that
 * names the clinician (the sidebar's verified fhirUser; CDS Hooks feedback names none) and a written
 * set does this; an override changes nothing in the EHR (its reason is in the audit log). A
 * redelivered feedback writes nothing.
 */
export async function applyReview(feedback: Feedback, deps: ApplyReviewDeps): Promise<void> {
  const logFields = {
    feedbackId: feedback.feedbackId,
    setId: feedback.setId,
    patientPseudonym: feedback.patientPseudonym,
  };
  if (
    feedback.outcome !== 'accepted' ||
    !feedback.userRef ||
    !feedback.setId ||
    feedback.setId === KNOWLEDGE_SET_ID
  )
    return;
  const written = await deps.readSet(feedback.setId);
  const resource = reviewedResource(feedback, written.suggestions);
  if (!resource) {
    deps.logger.info(logFields, 'accepted suggestion not in the EHR (blocked, withheld or never written)');
    return;
  }
  const reference = `${resource.resourceType}/${resource.id}`;
  const provenance = written.provenances.find((candidate) =>
    candidate.target.some((target) => target.reference === reference),
  );
  const entries = acceptanceEntries(deps.fhirBase, feedback.userRef, resource, provenance);
  if (entries.length === 0) return;
  const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: entries };
  assertValidBundle(bundle);
  const result = await deps.submit(bundle);
  await deps.audit(
    buildAuditEvent(
      {
        action: 'fhir-write',
        outcome: 'success',
        patientPseudonym: feedback.patientPseudonym,
        ...patientRefOf(resource),
        userRef: feedback.userRef,
        fhirBase: deps.fhirBase,
        interactions: ['update'],
        resourceRefs: result.references,
        correlationId: feedback.feedbackId,
        detail: { setId: feedback.setId, reviewed: reference, verifier: provenance !== undefined },
      },
      deps,
    ),
  );
  deps.logger.info({ ...logFields, entries: entries.length }, 'accepted suggestion marked reviewed');
}

/** The patient a reviewed suggestion is about, as the EHR holds it. */
function patientRefOf(resource: WrittenSuggestion): { patientRef?: string } {
  const reference =
    resource.resourceType === 'DetectedIssue' ? resource.patient?.reference : resource.subject?.reference;
  return reference && FhirReference.safeParse(reference).success ? { patientRef: reference } : {};
}
