import type {
  AllergyIntolerance,
  Condition,
  DocumentReference,
  Encounter,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Patient,
} from '@medplum/fhirtypes';

/** What the adapter read about one patient, as the EHR sent it (FHIR R4 resources). */
export interface PatientRecord {
  patient: Patient;
  conditions: Condition[];
  medicationRequests: MedicationRequest[];
  medicationStatements: MedicationStatement[];
  allergies: AllergyIntolerance[];
  observations: Observation[];
  encounters: Encounter[];
  notes: DocumentReference[];
}
