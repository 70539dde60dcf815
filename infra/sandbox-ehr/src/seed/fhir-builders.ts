import type {
  AllergyIntolerance,
  Bundle,
  BundleEntry,
  Condition,
  DocumentReference,
  Encounter,
  MedicationRequest,
  Observation,
  Patient,
  Resource,
} from '@medplum/fhirtypes';

// Small builders for the synthetic seed patients: readable data, valid FHIR R4.
export const SNOMED = 'http://snomed.info/sct';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';

export const ref = (resource: { resourceType: string; id?: string }) => ({
  reference: `${resource.resourceType}/${resource.id}`,
});

export function patient(
  id: string,
  given: string,
  family: string,
  gender: Patient['gender'],
  birthDate: string,
): Patient {
  return {
    resourceType: 'Patient',
    id,
    identifier: [{ system: 'urn:aloe:sandbox-ehr:mrn', value: `MRN-${id.toUpperCase()}` }],
    name: [{ use: 'official', given: [given], family }],
    gender,
    birthDate,
    telecom: [{ system: 'phone', value: '+1-555-0100', use: 'home' }],
    address: [{ line: ['1 Synthetic Street'], city: 'Testville', postalCode: '00000', country: 'US' }],
  };
}

export function condition(
  id: string,
  subject: Patient,
  code: string,
  display: string,
  onset: string,
): Condition {
  return {
    resourceType: 'Condition',
    id,
    subject: ref(subject),
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
    },
    code: { coding: [{ system: SNOMED, code, display }], text: display },
    onsetDateTime: onset,
  };
}

export function medicationRequest(
  id: string,
  subject: Patient,
  rxnorm: string,
  display: string,
  dose: { text: string; value: number; unit: string; perDay: number },
  authoredOn: string,
): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'active',
    intent: 'order',
    subject: ref(subject),
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: rxnorm, display }], text: display },
    authoredOn,
    dosageInstruction: [
      {
        text: dose.text,
        timing: { repeat: { frequency: dose.perDay, period: 1, periodUnit: 'd' } },
        route: { coding: [{ system: SNOMED, code: '26643006', display: 'Oral route' }] },
        doseAndRate: [
          { doseQuantity: { value: dose.value, unit: dose.unit, system: UCUM, code: dose.unit } },
        ],
      },
    ],
  };
}

export function allergy(
  id: string,
  subject: Patient,
  substance: { system: string; code: string; display: string },
  criticality: AllergyIntolerance['criticality'],
  reaction: string,
): AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    id,
    patient: ref(subject),
    clinicalStatus: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
      ],
    },
    verificationStatus: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
          code: 'confirmed',
        },
      ],
    },
    type: 'allergy',
    category: ['medication'],
    criticality,
    code: { coding: [substance], text: substance.display },
    reaction: [{ manifestation: [{ text: reaction }] }],
  };
}

export function observation(
  id: string,
  subject: Patient,
  loinc: string,
  display: string,
  value: { value: number; unit: string },
  effective: string,
  category: 'laboratory' | 'vital-signs',
): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: category }] },
    ],
    code: { coding: [{ system: LOINC, code: loinc, display }], text: display },
    subject: ref(subject),
    effectiveDateTime: effective,
    valueQuantity: { value: value.value, unit: value.unit, system: UCUM, code: value.unit },
  };
}

export function encounter(id: string, subject: Patient, start: string, display: string): Encounter {
  return {
    resourceType: 'Encounter',
    id,
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    type: [{ text: display }],
    subject: ref(subject),
    period: { start, end: start },
  };
}

export function clinicalNote(id: string, subject: Patient, date: string, text: string): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    id,
    status: 'current',
    type: { coding: [{ system: LOINC, code: '11506-3', display: 'Progress note' }] },
    subject: ref(subject),
    date,
    content: [
      { attachment: { contentType: 'text/plain', data: Buffer.from(text, 'utf8').toString('base64') } },
    ],
  };
}

/** A transaction that creates (or replaces) each resource under its own id: re-seeding is harmless. */
export function transaction(resources: Resource[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: resources.map(
      (resource): BundleEntry => ({
        fullUrl: `${resource.resourceType}/${resource.id}`,
        resource,
        request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
      }),
    ),
  };
}
