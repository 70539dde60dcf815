import { deterministicUuid } from '@aloe/shared/canonical';
import type { AuditEvent, Feedback, PatientContext, SuggestionSet } from '@aloe/shared/schemas';

/** The longest list of rule ids an event carries (a detail value, PHI-free). */
const MAX_RULE_IDS_LENGTH = 1_000;

/**
 * The `ai-decision` event of a decision appended to the log (pure), for aloe.audit.v1: the adapter
 * writes it to the EHR as a FHIR AuditEvent. Its id comes from the context id, so a redelivered context
 * (its audited set published again) gives the same event, and the EHR still holds one AuditEvent.
 * References, codes and counts only: the resources the suggestions cite (draft orders are not in the
 * EHR), the model's identity, the worst verdict and the rule ids.
 */
export function decisionAuditEvent(
  context: PatientContext,
  set: SuggestionSet,
  decision: { recordedAt: string; verdict: string | null; ruleIds: readonly string[] },
): AuditEvent {
  const drafts = new Set([
    ...context.items.filter((item) => item.status === 'draft').map((item) => item.ref),
    ...set.evidence.filter((evidence) => evidence.draft).map((evidence) => evidence.ref),
  ]);
  const cited = [...new Set(set.suggestions.flatMap((suggestion) => suggestion.citations))].filter(
    (reference) => !drafts.has(reference),
  );
  const count = (verdict: string) =>
    set.suggestions.filter((suggestion) => suggestion.verdict === verdict).length;
  return {
    eventId: deterministicUuid('aloe.audit-event', 'ai-decision', context.contextId),
    recordedAt: decision.recordedAt,
    source: 'guardrails',
    action: 'ai-decision',
    outcome: 'success',
    patientPseudonym: context.patient.pseudonym,
    patientRef: context.patient.ref,
    ...(context.trigger.userRef ? { userRef: context.trigger.userRef } : {}),
    fhirBase: context.fhirBase,
    resourceRefs: cited.slice(0, 5_000),
    correlationId: context.contextId,
    detail: {
      setId: set.setId,
      modelId: set.model.id,
      modelSha256: set.model.fileSha256,
      testModel: set.model.testModel,
      ...(typeof set.model.params.strategy === 'string' ? { strategy: set.model.params.strategy } : {}),
      verdict: decision.verdict ?? 'allow',
      suggestions: set.suggestions.length,
      allowed: count('allow'),
      warned: count('warn'),
      blocked: count('block'),
      ruleIds: decision.ruleIds.join(' ').slice(0, MAX_RULE_IDS_LENGTH),
      writeBack: set.writeBack?.allowed ?? true,
    },
  };
}

/**
 * The `feedback-received` event of a clinician's answer the log recorded (pure). Its id comes from the
 * feedback id (a redelivery gives the same event). The guardrails know the patient by pseudonym only;
 * the clinician when the answer came from the sidebar (CDS Hooks feedback names none).
 */
export function feedbackAuditEvent(feedback: Feedback, recordedAt: string): AuditEvent {
  return {
    eventId: deterministicUuid('aloe.audit-event', 'feedback-received', feedback.feedbackId),
    recordedAt,
    source: 'guardrails',
    action: 'feedback-received',
    outcome: 'success',
    patientPseudonym: feedback.patientPseudonym,
    ...(feedback.userRef ? { userRef: feedback.userRef } : {}),
    resourceRefs: [],
    correlationId: feedback.feedbackId,
    detail: {
      ...(feedback.setId ? { setId: feedback.setId } : {}),
      suggestionId: feedback.suggestionId,
      outcome: feedback.outcome,
      channel: feedback.source,
      ...(feedback.ruleId ? { ruleId: feedback.ruleId } : {}),
      ...(feedback.overrideReason?.code ? { overrideReason: feedback.overrideReason.code } : {}),
      ...(feedback.cardId ? { cardId: feedback.cardId } : {}),
    },
  };
}
