import { AuditEvent, type Feedback, type SuggestionSet } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import { contextOf } from '../../test/contexts.js';
import { decisionAuditEvent, feedbackAuditEvent } from './audit-events.js';

const context = {
  ...contextOf(
    [
      { ref: 'MedicationRequest/warfarin', kind: 'medication', code: { display: 'Warfarin Sodium 5 MG' } },
      {
        ref: 'MedicationRequest/draft-1',
        kind: 'medication',
        status: 'draft',
        code: { display: 'Ibuprofen' },
      },
      { ref: 'Observation/inr', kind: 'observation', value: { value: 3.6 } },
    ],
    { pseudonym: 'pseudonym-000000000042' },
  ),
  trigger: { kind: 'cds-hook' as const, hook: 'order-sign', userRef: 'Practitioner/dr-lee' },
};

const set = {
  setId: 'f6a1c1d2-0b7e-4c4f-9d1e-2a3b4c5d6e7f',
  contextId: context.contextId,
  patient: { ref: context.patient.ref, pseudonym: context.patient.pseudonym },
  fhirBase: context.fhirBase,
  model: {
    id: 'aloe-test@sha256:0123',
    name: 'aloe-test (TEST MODEL)',
    fileSha256: 'b'.repeat(64),
    quantization: 'Q8_0',
    chatTemplate: 'Llama3ChatWrapper',
    testModel: true,
    params: { strategy: 'chain-of-thought' },
  },
  suggestions: [
    {
      id: 's1',
      kind: 'medication-safety',
      title: 'Warfarin with ibuprofen: bleeding risk',
      text: 'Warfarin Sodium and the ibuprofen order raise the bleeding risk.',
      citations: ['MedicationRequest/warfarin', 'MedicationRequest/draft-1', 'Observation/inr'],
      verdict: 'warn',
      reasons: [{ ruleId: 'knowledge.interaction.warfarin-nsaids', severity: 'warning', message: 'NSAID' }],
    },
    {
      id: 's2',
      kind: 'summary',
      title: 'Blocked',
      text: 'Blocked text.',
      citations: ['Observation/inr'],
      verdict: 'block',
      reasons: [{ ruleId: 'output.harmful-content', severity: 'critical', message: 'blocked' }],
    },
  ],
  evidence: [],
  inputFindings: [],
  disclaimer: 'AI-generated suggestion.',
  producedAt: '2026-11-24T08:00:01.000Z',
  timingsMs: { total: 10 },
} satisfies SuggestionSet;

describe('the events the guardrails publish on aloe.audit.v1', () => {
  const decision = {
    recordedAt: '2026-11-24T08:00:02.000Z',
    verdict: 'block',
    ruleIds: ['knowledge.interaction.warfarin-nsaids', 'output.harmful-content'],
  };

  it('an ai-decision names the patient, the clinician, the model and the verdicts, and cites what is in the EHR only (no draft order, no text)', () => {
    const event = AuditEvent.parse(decisionAuditEvent(context, set, decision));
    expect(event).toMatchObject({
      source: 'guardrails',
      action: 'ai-decision',
      outcome: 'success',
      recordedAt: decision.recordedAt,
      patientPseudonym: 'pseudonym-000000000042',
      patientRef: 'Patient/p1',
      userRef: 'Practitioner/dr-lee',
      fhirBase: context.fhirBase,
      correlationId: context.contextId,
      resourceRefs: ['MedicationRequest/warfarin', 'Observation/inr'],
      detail: {
        setId: set.setId,
        modelId: 'aloe-test@sha256:0123',
        modelSha256: 'b'.repeat(64),
        testModel: true,
        strategy: 'chain-of-thought',
        verdict: 'block',
        suggestions: 2,
        allowed: 0,
        warned: 1,
        blocked: 1,
        ruleIds: 'knowledge.interaction.warfarin-nsaids output.harmful-content',
        writeBack: true,
      },
    });
    expect(JSON.stringify(event)).not.toMatch(/Warfarin Sodium|bleeding|Ibuprofen/);
  });

  it('the same decision gives the same event id (a redelivery), another context another one', () => {
    const first = decisionAuditEvent(context, set, decision);
    expect(decisionAuditEvent(context, set, decision).eventId).toBe(first.eventId);
    expect(
      decisionAuditEvent({ ...context, contextId: crypto.randomUUID() }, set, decision).eventId,
    ).not.toBe(first.eventId);
  });

  it('a feedback-received carries the answer, not its words, under an id of its feedback', () => {
    const feedback: Feedback = {
      feedbackId: '5b0f3e0c-8a55-4b7e-9c1d-3e2f1a0b9c8d',
      patientPseudonym: 'pseudonym-000000000042',
      setId: 'knowledge',
      suggestionId: 'k1',
      ruleId: 'knowledge.allergy.drug',
      cardId: 'card-1',
      source: 'cds-hooks',
      outcome: 'overridden',
      overrideReason: {
        system: 'http://example.org/reasons',
        code: 'patient-aware',
        display: 'Patient aware',
      },
      outcomeTimestamp: '2026-11-24T08:05:00.000Z',
    };
    const event = AuditEvent.parse(feedbackAuditEvent(feedback, '2026-11-24T08:05:01.000Z'));
    expect(event).toMatchObject({
      action: 'feedback-received',
      patientPseudonym: feedback.patientPseudonym,
      correlationId: feedback.feedbackId,
      detail: {
        setId: 'knowledge',
        suggestionId: 'k1',
        outcome: 'overridden',
        channel: 'cds-hooks',
        ruleId: 'knowledge.allergy.drug',
        overrideReason: 'patient-aware',
      },
    });
    expect(event.userRef).toBeUndefined();
    expect(event.patientRef).toBeUndefined();
    expect(feedbackAuditEvent(feedback, 'later').eventId).toBe(event.eventId);
    expect(feedbackAuditEvent({ ...feedback, userRef: 'Practitioner/dr-lee' }, 'x').userRef).toBe(
      'Practitioner/dr-lee',
    );
  });
});
