import type { Feedback } from '@aloe/shared/schemas';
import type { AuditStore } from '../audit/audit-store.js';

/** A clinician's feedback joins the audit chain, once per feedback id. */
export async function recordFeedback(
  feedback: Feedback,
  deps: { audit: AuditStore; now: () => Date },
): Promise<void> {
  await deps.audit.append({
    kind: 'feedback',
    dedupeKey: feedback.feedbackId,
    recordedAt: deps.now().toISOString(),
    patientPseudonym: feedback.patientPseudonym,
    modelId: null,
    verdict: null,
    ruleIds: [],
    payload: feedback,
  });
}
