import type { AuditEvent, Feedback } from '@aloe/shared/schemas';
import type { AuditStore } from '../audit/audit-store.js';
import { feedbackAuditEvent } from './audit-events.js';

/**
 * A clinician's feedback joins the audit chain, once per feedback id; then its `feedback-received` event
 * goes to aloe.audit.v1 (for the EHR's AuditEvents), again on a redelivery, under the same event id.
 */
export async function recordFeedback(
  feedback: Feedback,
  deps: { audit: AuditStore; publishAudit: (event: AuditEvent) => Promise<void>; now: () => Date },
): Promise<void> {
  const recordedAt = deps.now().toISOString();
  await deps.audit.append({
    kind: 'feedback',
    dedupeKey: feedback.feedbackId,
    recordedAt,
    patientPseudonym: feedback.patientPseudonym,
    modelId: null,
    verdict: null,
    ruleIds: [],
    payload: feedback,
  });
  await deps.publishAudit(feedbackAuditEvent(feedback, recordedAt));
}
