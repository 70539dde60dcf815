// Small synthetic charts for the rule tests: a PatientContext with the items a test names.
import type { ContextItem, PatientContext } from '@aloe/shared/schemas';

export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const SNOMED = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';
export const TODAY = '2026-06-15T10:00:00.000Z';

let sequence = 0;
const nextId = () => `t${++sequence}`;

/** `days` before TODAY as YYYY-MM-DD. */
export function daysAgo(days: number): string {
  return new Date(Date.parse(TODAY) - days * 86_400_000).toISOString().slice(0, 10);
}

export function context(
  items: ContextItem[],
  patient: Partial<PatientContext['patient']> = {},
): PatientContext {
  return {
    contextId: '00000000-0000-4000-8000-000000000001',
    trigger: { kind: 'cds-hook', hook: 'patient-view' },
    patient: {
      ref: 'Patient/p1',
      pseudonym: 'pseudonym-of-patient-1',
      ageYears: 50,
      sex: 'female',
      ...patient,
    },
    fhirBase: 'http://ehr.example/fhir',
    capturedAt: TODAY,
    items,
    tasks: ['medication-safety'],
  };
}

export function medication(
  display: string,
  options: Partial<ContextItem> & { rxnorm?: string; draft?: boolean } = {},
): ContextItem {
  const { rxnorm, draft, ...rest } = options;
  const coding = { system: RXNORM, ...(rxnorm ? { code: rxnorm } : {}), display };
  return {
    ref: `MedicationRequest/${draft ? 'draft-' : ''}${nextId()}`,
    kind: 'medication',
    code: coding,
    codings: [coding],
    status: draft ? 'draft' : 'active',
    date: daysAgo(draft ? 0 : 30),
    ...rest,
  };
}

export function allergy(display: string, options: Partial<ContextItem> = {}): ContextItem {
  return {
    ref: `AllergyIntolerance/${nextId()}`,
    kind: 'allergy',
    code: { system: SNOMED, display },
    codings: [{ system: SNOMED, display }],
    status: 'active',
    category: 'medication',
    ...options,
  };
}

export function condition(
  display: string,
  options: Partial<ContextItem> & { snomed?: string } = {},
): ContextItem {
  const { snomed, ...rest } = options;
  const coding = { system: SNOMED, ...(snomed ? { code: snomed } : {}), display };
  return {
    ref: `Condition/${nextId()}`,
    kind: 'condition',
    code: coding,
    codings: [coding],
    status: 'active',
    ...rest,
  };
}

export function lab(
  loinc: string,
  display: string,
  value: number,
  unit: string,
  daysBefore = 10,
): ContextItem {
  const coding = { system: LOINC, code: loinc, display };
  return {
    ref: `Observation/${nextId()}`,
    kind: 'observation',
    code: coding,
    codings: [coding],
    status: 'final',
    date: daysAgo(daysBefore),
    value: { value, unit },
  };
}

export function observation(loinc: string, display: string, valueText: string, daysBefore = 10): ContextItem {
  const coding = { system: LOINC, code: loinc, display };
  return {
    ref: `Observation/${nextId()}`,
    kind: 'observation',
    code: coding,
    codings: [coding],
    status: 'final',
    date: daysAgo(daysBefore),
    valueText,
  };
}

/** A chronic opioid prescription: 30 days' supply, dose per administration, administrations a day. */
export function opioid(
  display: string,
  options: {
    rxnorm?: string;
    draft?: boolean;
    dose?: number;
    unit?: string;
    perDay?: number;
    days?: number;
    startedDaysAgo?: number;
  } = {},
): ContextItem {
  return medication(display, {
    ...(options.rxnorm ? { rxnorm: options.rxnorm } : {}),
    ...(options.draft ? { draft: true } : {}),
    category: 'community',
    date: daysAgo(options.startedDaysAgo ?? (options.draft ? 0 : 30)),
    dose: {
      quantity: { value: options.dose ?? 1, unit: options.unit ?? 'tablet' },
      frequencyPerDay: options.perDay ?? 1,
    },
    supply: { days: options.days ?? 30 },
  });
}
