import { type ContextItem, FHIR_ID } from '@aloe/shared/schemas';
import type { Bundle, Medication, MedicationRequest, Patient, Resource } from '@medplum/fhirtypes';
import { list } from './concepts.js';
import type { MedicationIndex } from './medication-items.js';
import { medicationRequestItem } from './medication-items.js';
import type { PatientRecord } from './patient-record.js';

export type Prefetched = Partial<Omit<PatientRecord, 'patient'>> & { patient?: Patient };

type Field = Exclude<keyof PatientRecord, 'patient'>;
const FIELD_BY_TYPE: Record<string, Field> = {
  Condition: 'conditions',
  MedicationRequest: 'medicationRequests',
  MedicationStatement: 'medicationStatements',
  Medication: 'medications',
  AllergyIntolerance: 'allergies',
  Observation: 'observations',
  Encounter: 'encounters',
  Procedure: 'procedures',
  CarePlan: 'carePlans',
  DocumentReference: 'notes',
};

/** The resources of one prefetch value: a Bundle's entries, an entry wrapper `{resource}`, or a bare resource. */
function resourcesOf(value: unknown): Resource[] {
  if (!value || typeof value !== 'object') return [];
  const candidate = value as { resourceType?: string; resource?: unknown; entry?: Bundle['entry'] };
  if (candidate.resourceType === 'Bundle')
    return list(candidate.entry).flatMap((entry) => resourcesOf(entry.resource ?? entry));
  if (!candidate.resourceType) return resourcesOf(candidate.resource);
  return [value as Resource];
}

/**
 * What the EHR prefetched (CDS Hooks 2.0 §Prefetch), read tolerantly: whatever the keys (the IG's
 * `item1`…, ours, or others), Bundles, `{response, resource}` entries or bare resources. A resource type
 * that arrived need not be read again; an empty searchset still says "none". Entries about another
 * patient are dropped (a prefetch must be about the patient in context). Pure.
 */
export function fromPrefetch(prefetch: Record<string, unknown> | undefined, patientId: string): Prefetched {
  const record: Prefetched = {};
  for (const value of Object.values(prefetch ?? {})) {
    for (const resource of resourcesOf(value)) {
      if (resource.resourceType === 'Patient') {
        if (resource.id === patientId) record.patient = resource as Patient;
        continue;
      }
      const field = FIELD_BY_TYPE[resource.resourceType];
      if (!field || !isAbout(resource, patientId)) continue;
      const resources = (record[field] ?? []) as Resource[];
      resources.push(resource);
      record[field] = resources as never;
    }
    // A searchset names the type it was asked for: an empty one marks that type as known.
    const bundle = value as Bundle | null;
    const type = /^(?:.*\/)?([A-Z][A-Za-z]+)\?/.exec(
      bundle?.resourceType === 'Bundle'
        ? (bundle.link?.find((link) => link.relation === 'self')?.url ?? '')
        : '',
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
  // Tolerant: some EHR exports (and the CDC opioid examples) write the bare id.
  return (
    subject?.reference === undefined ||
    subject.reference === `Patient/${patientId}` ||
    subject.reference === patientId ||
    subject.reference.endsWith(`/Patient/${patientId}`)
  );
}

/** A draft order without an id gets one of these (it is not in the EHR, so nothing can refer to it there). */
export const SYNTHETIC_DRAFT_ID = /^aloe-draft-\d+$/;

export interface DraftOrders {
  /** The drafts as context items (status `draft`). */
  items: ContextItem[];
  /** Reference → whether the EHR gave the draft an id (only those can be deleted by a card suggestion). */
  identified: ReadonlySet<string>;
}

/**
 * The draft MedicationRequests of an order-select / order-sign call as context items. A draft without
 * an id (the PDDI-CDS order-sign examples) gets `aloe-draft-<n>`; contained Medications resolve.
 */
export function draftOrders(draftOrders: unknown, medications: readonly Medication[] = []): DraftOrders {
  const index: MedicationIndex = new Map(
    medications.map((medication) => [`Medication/${medication.id}`, medication]),
  );
  const requests = resourcesOf(draftOrders).filter(
    (resource): resource is MedicationRequest => resource.resourceType === 'MedicationRequest',
  );
  const identified = new Set<string>();
  const items = requests.map((request, index_) => {
    const valid = typeof request.id === 'string' && FHIR_ID.test(request.id);
    const item = medicationRequestItem(
      { ...request, id: valid ? request.id : `aloe-draft-${index_ + 1}` },
      index,
    );
    if (valid) identified.add(item.ref);
    return { ...item, status: 'draft' };
  });
  return { items, identified };
}
