import { describe, expect, it } from '@jest/globals';
import { contextFingerprint } from './context-fingerprint.js';
import type { PatientContext } from './patient-context.js';

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
});
