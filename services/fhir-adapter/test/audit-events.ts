import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '@aloe/shared/schemas';

/** Every kind of aloe.audit.v1 event, by label, as the services produce them (ids fresh per call). */
export type AuditKind =
  | 'fhir-read'
  | 'fhir-write'
  | 'fhir-write (review)'
  | 'cds-hook-call'
  | 'cds-hook-call (failure)'
  | 'ai-decision'
  | 'feedback-received'
  | 'feedback-received (no clinician)';

/**
 * One event of each kind about the seeded polypharmacy patient of the sandbox EHR at `fhirBase`: what
 * the adapter reports for a context capture, a write-back and a review, and a CDS Hooks call (answered
 * or refused); what the guardrails report for a decision and a clinician's answer.
 */
export function auditEventsOfEachKind(
  fhirBase: string,
  options: { pseudonym?: string; recordedAt?: string } = {},
): Record<AuditKind, AuditEvent> {
  const pseudonym = options.pseudonym ?? 'audit-test-pseudonym-0001';
  const recordedAt = options.recordedAt ?? '2026-11-26T09:00:00.000Z';
  const contextId = randomUUID();
  const setId = randomUUID();
  // The guardrails know a clinician's answer by the patient's pseudonym only.
  const byPseudonym = { recordedAt, outcome: 'success' as const, patientPseudonym: pseudonym };
  const common = { ...byPseudonym, patientRef: 'Patient/aloe-poly' };
  return {
    'fhir-read': {
      ...common,
      eventId: randomUUID(),
      source: 'fhir-adapter',
      action: 'fhir-read',
      userRef: 'Practitioner/aloe-dr-lee',
      fhirBase,
      interactions: ['read', 'search-type'],
      resourceRefs: [
        'Patient/aloe-poly',
        'MedicationRequest/aloe-poly-warfarin',
        'MedicationRequest/aloe-poly-ibuprofen',
        'Observation/aloe-poly-inr',
      ],
      correlationId: contextId,
      detail: { trigger: 'cds-hook', items: 3 },
    },
    'fhir-write': {
      ...common,
      eventId: randomUUID(),
      source: 'fhir-adapter',
      action: 'fhir-write',
      fhirBase,
      interactions: ['create', 'update'],
      resourceRefs: ['DetectedIssue/di-1', 'Provenance/prov-1', 'Device/dev-1', 'Communication/old-1'],
      correlationId: contextId,
      detail: { setId, entries: 4, created: 3, superseded: 1 },
    },
    'fhir-write (review)': {
      ...common,
      eventId: randomUUID(),
      source: 'fhir-adapter',
      action: 'fhir-write',
      userRef: 'Practitioner/aloe-dr-lee',
      fhirBase,
      interactions: ['update'],
      resourceRefs: ['DetectedIssue/di-1', 'Provenance/prov-1'],
      correlationId: randomUUID(),
      detail: { setId, reviewed: 'DetectedIssue/di-1', verifier: true },
    },
    'cds-hook-call': {
      ...common,
      eventId: randomUUID(),
      source: 'fhir-adapter',
      action: 'cds-hook-call',
      userRef: 'Practitioner/aloe-dr-lee',
      client: 'https://ehr.hospital.example',
      fhirBase,
      resourceRefs: [],
      correlationId: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
      detail: {
        hook: 'order-sign',
        service: 'aloe-order-sign',
        cards: 2,
        findings: 1,
        ruleIds: 'knowledge.interaction.warfarin-nsaids',
        chartRead: true,
      },
    },
    'cds-hook-call (failure)': {
      ...common,
      eventId: randomUUID(),
      source: 'fhir-adapter',
      action: 'cds-hook-call',
      outcome: 'failure',
      client: 'https://ehr.hospital.example',
      resourceRefs: [],
      correlationId: randomUUID(),
      detail: { hook: 'order-sign', service: 'aloe-order-sign', code: 'FORBIDDEN' },
    },
    'ai-decision': {
      ...common,
      eventId: randomUUID(),
      source: 'guardrails',
      action: 'ai-decision',
      userRef: 'Practitioner/aloe-dr-lee',
      fhirBase,
      resourceRefs: ['MedicationRequest/aloe-poly-warfarin', 'Observation/aloe-poly-inr'],
      correlationId: contextId,
      detail: {
        setId,
        modelId: 'aloe-test-tiny@sha256:37217638ca54',
        modelSha256: '37217638ca54d3e341e641a7165c63b7ee733d4369737fbfc9722c5f3b295f39',
        verdict: 'warn',
        suggestions: 3,
        blocked: 1,
        ruleIds: 'knowledge.interaction.warfarin-nsaids output.harmful-content',
        strategy: 'chain-of-thought',
      },
    },
    'feedback-received': {
      ...byPseudonym,
      eventId: randomUUID(),
      source: 'guardrails',
      action: 'feedback-received',
      userRef: 'Practitioner/aloe-dr-lee',
      resourceRefs: [],
      correlationId: randomUUID(),
      detail: { setId, suggestionId: 'ms-1', outcome: 'accepted', channel: 'sidebar' },
    },
    'feedback-received (no clinician)': {
      ...byPseudonym,
      eventId: randomUUID(),
      source: 'guardrails',
      action: 'feedback-received',
      resourceRefs: [],
      correlationId: randomUUID(),
      detail: {
        setId: 'knowledge',
        suggestionId: 'k1',
        outcome: 'overridden',
        channel: 'cds-hooks',
        ruleId: 'knowledge.allergy.drug',
        overrideReason: 'patient-aware',
      },
    },
  };
}
