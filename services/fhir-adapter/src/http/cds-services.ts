/**
 * What the clinical rules read, as CDS Hooks 2.0 prefetch templates (the spec's query subset: type-level
 * searches, token parameters, _sort, _count). A type the EHR sends is not read again; a type it leaves
 * out is read from the EHR in the call.
 */
const CHART_PREFETCH = {
  patient: 'Patient/{{context.patientId}}',
  conditions: 'Condition?patient={{context.patientId}}',
  medications: 'MedicationRequest?patient={{context.patientId}}&_sort=-authoredon&_count=200',
  medicationStatements: 'MedicationStatement?patient={{context.patientId}}',
  allergies: 'AllergyIntolerance?patient={{context.patientId}}',
  observations: 'Observation?patient={{context.patientId}}&_sort=-date&_count=200',
  encounters: 'Encounter?patient={{context.patientId}}&_sort=-date&_count=10',
  procedures: 'Procedure?patient={{context.patientId}}&_sort=-date&_count=50',
  carePlans: 'CarePlan?patient={{context.patientId}}&_count=20',
} as const;

/** The CDS services this adapter offers (CDS Hooks 2.0 discovery). */
export const CDS_SERVICES = [
  {
    hook: 'patient-view',
    id: 'aloe-patient-view',
    title: 'Aloe clinical assistant',
    description:
      'Clinical rules (allergies, interactions, CDC opioid guideline, renal and age limits) over the open chart at once, and AI-generated, guardrail-checked suggestions, each with its evidence.',
    // The AI reads the latest notes too (as untrusted text); the rules do not.
    prefetch: {
      ...CHART_PREFETCH,
      notes: 'DocumentReference?patient={{context.patientId}}&_sort=-date&_count=10',
    },
  },
  {
    hook: 'order-select',
    id: 'aloe-order-select',
    title: 'Aloe medication-safety check (order select)',
    description:
      'Checks the selected draft medication orders against the chart: allergies, interactions (HL7 PDDI-CDS), CDC opioid guideline, renal and age limits.',
    prefetch: CHART_PREFETCH,
  },
  {
    hook: 'order-sign',
    id: 'aloe-order-sign',
    title: 'Aloe medication-safety check (order sign)',
    description:
      'Checks the draft medication orders before signing: allergies, interactions (HL7 PDDI-CDS), CDC opioid guideline, renal and age limits, a deceased patient.',
    prefetch: CHART_PREFETCH,
  },
] as const;

export type CdsServiceId = (typeof CDS_SERVICES)[number]['id'];
