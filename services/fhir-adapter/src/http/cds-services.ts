/** The CDS services this adapter offers (CDS Hooks 2.0 discovery). Prefetch lets the EHR send the record. */
export const CDS_SERVICES = [
  {
    hook: 'patient-view',
    id: 'aloe-patient-view',
    title: 'Aloe clinical assistant',
    description:
      'AI-generated, guardrail-checked medication-safety suggestions and care gaps for the open chart, each with its evidence.',
    prefetch: {
      patient: 'Patient/{{context.patientId}}',
      conditions: 'Condition?patient={{context.patientId}}',
      medications: 'MedicationRequest?patient={{context.patientId}}&status=active',
      allergies: 'AllergyIntolerance?patient={{context.patientId}}',
    },
  },
  {
    hook: 'order-select',
    id: 'aloe-order-select',
    title: 'Aloe medication-safety check (order select)',
    description:
      'Reviews selected draft medication orders against the record: interactions, allergies, renal dosing.',
    prefetch: {
      patient: 'Patient/{{context.patientId}}',
      medications: 'MedicationRequest?patient={{context.patientId}}&status=active',
      allergies: 'AllergyIntolerance?patient={{context.patientId}}',
    },
  },
  {
    hook: 'order-sign',
    id: 'aloe-order-sign',
    title: 'Aloe medication-safety check (order sign)',
    description:
      'Reviews draft medication orders before signing: interactions, allergies, renal dosing, opioid risk.',
    prefetch: {
      patient: 'Patient/{{context.patientId}}',
      medications: 'MedicationRequest?patient={{context.patientId}}&status=active',
      allergies: 'AllergyIntolerance?patient={{context.patientId}}',
    },
  },
] as const;

export type CdsServiceId = (typeof CDS_SERVICES)[number]['id'];
