import type { Omission } from '@aloe/shared/schemas';
import type {
  AllergyIntolerance,
  CarePlan,
  Condition,
  DocumentReference,
  Encounter,
  Medication,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Patient,
  Procedure,
} from '@medplum/fhirtypes';

/** What the adapter read about one patient, as the EHR sent it (FHIR R4 resources). */
export interface PatientRecord {
  patient: Patient;
  conditions: Condition[];
  medicationRequests: MedicationRequest[];
  medicationStatements: MedicationStatement[];
  /** Medication resources that requests and statements point at (`medicationReference`). */
  medications: Medication[];
  allergies: AllergyIntolerance[];
  observations: Observation[];
  encounters: Encounter[];
  procedures: Procedure[];
  carePlans: CarePlan[];
  notes: DocumentReference[];
  /** What the reads (or the EHR's prefetch) left out: their windows, limits and paging, counted. */
  omitted?: Omission[];
}

/** A record with nothing in it but the patient: what a reader fills, or a test builds on. */
export function emptyRecord(patient: Patient): PatientRecord {
  return {
    patient,
    conditions: [],
    medicationRequests: [],
    medicationStatements: [],
    medications: [],
    allergies: [],
    observations: [],
    encounters: [],
    procedures: [],
    carePlans: [],
    notes: [],
  };
}
