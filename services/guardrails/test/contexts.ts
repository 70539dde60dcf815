import type { ContextItem, PatientContext } from '@aloe/shared/schemas';

/** A small synthetic context for rail tests: a 60-year-old woman with the given items. */
export function contextOf(
  items: ContextItem[],
  patient: Partial<PatientContext['patient']> = {},
): PatientContext {
  return {
    contextId: '7d3e9e89-dd39-478c-b2f4-97083fe7d1b2',
    trigger: { kind: 'api' },
    patient: {
      ref: 'Patient/p1',
      pseudonym: 'pseudonym-000000000001',
      ageYears: 60,
      sex: 'female',
      ...patient,
    },
    fhirBase: 'http://ehr/fhir/R4',
    capturedAt: '2026-11-24T08:00:00.000Z',
    items,
    tasks: ['medication-safety'],
  };
}
