import type { ContextItem } from '@aloe/shared/schemas';
import type { Bundle, MedicationRequest, Patient, Resource } from '@medplum/fhirtypes';
import { medicationRequestItem } from './normalize-patient-context.js';
import type { PatientRecord } from './patient-record.js';

type Prefetched = Partial<Omit<PatientRecord, 'patient'>> & { patient?: Patient };

const FIELD_BY_TYPE: Record<string, keyof Omit<PatientRecord, 'patient'>> = {
  Condition: 'conditions',
  MedicationRequest: 'medicationRequests',
  MedicationStatement: 'medicationStatements',
  AllergyIntolerance: 'allergies',
  Observation: 'observations',
  Encounter: 'encounters',
  DocumentReference: 'notes',
};

/**
 * What the EHR prefetched (CDS Hooks 2.0 §Prefetch): a Patient and searchset Bundles, whatever their
 * keys. A resource type that arrived need not be read again. Entries about another patient are
 * dropped (a prefetch must be about the patient in context). Pure.
 */
export function fromPrefetch(prefetch: Record<string, unknown> | undefined, patientId: string): Prefetched {
  const record: Prefetched = {};
  for (const value of Object.values(prefetch ?? {})) {
    if (!value || typeof value !== 'object') continue;
    const resource = value as Resource;
    if (resource.resourceType === 'Patient' && resource.id === patientId) record.patient = resource;
    if (resource.resourceType !== 'Bundle') continue;
    const entries = ((resource as Bundle).entry ?? [])
      .map((entry) => entry.resource)
      .filter(Boolean) as Resource[];
    for (const entry of entries) {
      const field = FIELD_BY_TYPE[entry.resourceType];
      if (!field || !isAbout(entry, patientId)) continue;
      const list = (record[field] ?? []) as Resource[];
      list.push(entry);
      record[field] = list as never;
    }
    // An empty searchset still says "none": mark the type as known so it is not read again.
    const type = /^([A-Z][A-Za-z]+)\?/.exec(
      (resource as Bundle).link?.find((link) => link.relation === 'self')?.url ?? '',
    )?.[1];
    const field = type ? FIELD_BY_TYPE[type] : undefined;
    if (field) record[field] ??= [];
  }
  return record;
}

function isAbout(resource: Resource, patientId: string): boolean {
  const subject =
    (resource as { subject?: { reference?: string }; patient?: { reference?: string } }).subject ??
    (resource as { patient?: { reference?: string } }).patient;
  return (
    subject?.reference === undefined ||
    subject.reference === `Patient/${patientId}` ||
    subject.reference.endsWith(`/Patient/${patientId}`)
  );
}

/** Draft orders of an order-select/order-sign call as context items (status `draft`). */
export function draftOrderItems(draftOrders: unknown): ContextItem[] {
  const bundle = draftOrders as Bundle | undefined;
  if (bundle?.resourceType !== 'Bundle') return [];
  return (bundle.entry ?? [])
    .map((entry) => entry.resource)
    .filter(
      (resource): resource is MedicationRequest =>
        resource?.resourceType === 'MedicationRequest' && Boolean(resource.id),
    )
    .map((request) => ({ ...medicationRequestItem(request), status: 'draft' }));
}
