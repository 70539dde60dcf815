import type { Suggestion, SuggestionSet } from '@aloe/shared/schemas';

/**
 * An annotated suggestion set as the guardrails publish it, for the patient with this pseudonym: one
 * warned suggestion (whose text tries a javascript: link) and one blocked, with evidence.
 */
export function setFor(pseudonym: string): SuggestionSet {
  return {
    setId: '3f2b8e1a-7c4d-4e5f-9a0b-1c2d3e4f5a6b',
    contextId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    patient: { ref: 'Patient/1288992', pseudonym: pseudonym.padEnd(16, '0') },
    fhirBase: 'http://ehr.example.org/fhir',
    model: {
      id: 'aloe-test@sha256:0123',
      name: 'aloe-test (TEST MODEL)',
      fileSha256: 'b'.repeat(64),
      quantization: 'Q8_0',
      chatTemplate: 'Llama3ChatWrapper',
      testModel: true,
      params: {},
    },
    suggestions: [
      {
        id: 's1',
        kind: 'medication-safety',
        title: 'Warfarin with ibuprofen raises bleeding risk',
        text: 'Consider paracetamol instead of ibuprofen. [click](javascript:alert(1))',
        citations: ['MedicationRequest/w', 'Observation/inr'],
        verdict: 'warn',
        severity: 'high',
        reasons: [{ ruleId: 'output.interaction', severity: 'warning', message: 'warfarin + NSAID' }],
      },
      {
        id: 's2',
        kind: 'care-gap',
        title: 'Blocked suggestion',
        text: 'Never shown',
        citations: ['Condition/c'],
        verdict: 'block',
        reasons: [{ ruleId: 'output.harmful', severity: 'critical', message: 'blocked' }],
      },
    ],
    evidence: [
      { ref: 'MedicationRequest/w', kind: 'medication', display: 'Warfarin 5 MG', date: '2026-01-10' },
      { ref: 'Observation/inr', kind: 'observation', display: 'INR', date: '2026-11-18', value: '3.6' },
    ],
    inputFindings: [],
    disclaimer: 'AI-generated; a clinician must review.',
    producedAt: '2026-11-24T08:00:00.000Z',
    timingsMs: {},
  };
}

/** A chart finding the model did not address, as the guardrails add it to a set (a suggestion of the rules). */
export const ruleSuggestion: Suggestion = {
  id: 'k1',
  kind: 'medication-safety',
  title: 'Metformin with an eGFR below 30',
  text: 'Metformin is contraindicated below an eGFR of 30. What to do: stop metformin.',
  citations: ['MedicationRequest/w'],
  source: 'knowledge',
  guideline: { label: 'FDA metformin labeling (2016)', url: 'https://www.fda.gov/drugs/' },
  verdict: 'warn',
  reasons: [{ ruleId: 'knowledge.renal.metformin', severity: 'critical', message: 'Metformin' }],
};
