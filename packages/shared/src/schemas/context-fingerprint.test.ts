import { describe, expect, it } from '@jest/globals';
import { contextFingerprint } from './context-fingerprint.js';
import { PatientContext } from './patient-context.js';

const chart = (): PatientContext => ({
  contextId: '0b5e5a8e-3c1f-4a5e-9d7a-2f1e0c9b8a71',
  trigger: { kind: 'cds-hook', hook: 'patient-view', hookInstance: 'first-opening' },
  patient: { ref: 'Patient/p1', pseudonym: 'pseudonym-p1', ageYears: 71, sex: 'female' },
  fhirBase: 'http://ehr.example/fhir',
  capturedAt: '2026-11-27T10:00:00.000Z',
  items: [
    { ref: 'MedicationRequest/m1', kind: 'medication', code: { system: 'rxnorm', code: '855332' } },
    { ref: 'Observation/o1', kind: 'observation', value: { value: 24, unit: 'mL/min/1.73m2' } },
  ],
  tasks: ['medication-safety', 'summary'],
});

describe('contextFingerprint', () => {
  it('is the same for another opening of the same chart (id, time, trigger and item order aside)', () => {
    const reopened = chart();
    reopened.contextId = '7c0d2a61-9f3b-4b1e-8a55-0d6b1e2f3a49';
    reopened.capturedAt = '2026-11-27T11:30:00.000Z';
    reopened.trigger = { kind: 'api' };
    reopened.items.reverse();
    reopened.tasks.reverse();
    expect(contextFingerprint(reopened)).toBe(contextFingerprint(chart()));
  });

  it('changes when a fact, the patient or the tasks change', () => {
    const base = contextFingerprint(chart());
    const newResult = chart();
    newResult.items[1]!.value = { value: 22, unit: 'mL/min/1.73m2' };
    const otherPatient = chart();
    otherPatient.patient.ref = 'Patient/p2';
    const deceased = chart();
    deceased.patient.deceased = true;
    const otherTasks = chart();
    otherTasks.tasks = ['medication-safety'];
    const fingerprints = [newResult, otherPatient, deceased, otherTasks].map(contextFingerprint);
    expect(new Set([base, ...fingerprints]).size).toBe(5);
  });

  it('is unchanged for a context that leaves nothing out, whether it says so or not', () => {
    // The fingerprint this chart had before contexts recorded omissions: reopening such a chart after
    // the upgrade must find its earlier decision, not analyse it again.
    const beforeOmissions = 'e4e5c3a63802a8006c09b04264990055d5fd4db166f08f1972fec8e945673a96';
    expect(contextFingerprint(chart())).toBe(beforeOmissions);
    expect(contextFingerprint({ ...chart(), omitted: [] })).toBe(beforeOmissions);
  });

  it('changes with what was left out, whatever the order of the entries', () => {
    const older = { type: 'Observation', reason: 'outside-window', count: 37, bound: 365 } as const;
    const overLimit = { type: 'Observation', reason: 'over-limit', count: 30, bound: 200 } as const;
    const base = contextFingerprint(chart());
    const withOmissions = contextFingerprint({ ...chart(), omitted: [older, overLimit] });
    expect(withOmissions).not.toBe(base);
    expect(contextFingerprint({ ...chart(), omitted: [overLimit, older] })).toBe(withOmissions);
    expect(contextFingerprint({ ...chart(), omitted: [{ ...older, count: 38 }, overLimit] })).not.toBe(
      withOmissions,
    );
  });
});

describe('PatientContext.omitted', () => {
  // The chart above with a pseudonym of the contract's length, so only `omitted` can fail to parse.
  const valid = () => ({ ...chart(), patient: { ...chart().patient, pseudonym: 'pseudonym-0000000001' } });

  it('is optional, so contexts produced before it existed still parse', () => {
    const parsed = PatientContext.parse(JSON.parse(JSON.stringify(valid())));
    expect(parsed.omitted).toBeUndefined();
  });

  it('takes counts, floors and unknowns, and refuses what is not a count or a resource type', () => {
    const omitted = [
      { type: 'Observation', reason: 'outside-window', count: 37, bound: 365 },
      { type: 'Condition', reason: 'paging-stopped', count: 1, atLeast: true, bound: 50 },
      { type: 'Procedure', reason: 'outside-window', bound: 360 },
    ];
    expect(PatientContext.parse({ ...valid(), omitted }).omitted).toEqual(omitted);
    for (const bad of [
      { type: 'Observation', reason: 'outside-window', count: 0 },
      { type: 'Observation', reason: 'outside-window', count: 2.5 },
      { type: 'Observation', reason: 'because' },
      { type: 'observations <b>', reason: 'over-limit', count: 3 },
    ])
      expect(PatientContext.safeParse({ ...valid(), omitted: [bad] }).success).toBe(false);
  });
});
