import { type ContextItem, FHIR_ID, type Omission } from '@aloe/shared/schemas';
import type { Bundle, Medication, MedicationRequest, Patient, Resource } from '@medplum/fhirtypes';
import { list } from './concepts.js';
import type { MedicationIndex } from './medication-items.js';
import { medicationRequestItem } from './medication-items.js';
import { mergeOmissions, omission } from './omissions.js';
import type { PatientRecord } from './patient-record.js';

export type Prefetched = Partial<Omit<PatientRecord, 'patient'>> & { patient?: Patient };

type Field = Exclude<keyof PatientRecord, 'patient' | 'omitted'>;
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
 * patient are dropped (a prefetch must be about the patient in context), and so are types no item is
 * made from; both are counted in `omitted`, as is what a searchset says it held beyond the page sent.
 * Pure.
 */
export function fromPrefetch(prefetch: Record<string, unknown> | undefined, patientId: string): Prefetched {
  const record: Prefetched = {};
  const omitted: Omission[] = [];
  const unsupported = new Map<string, number>();
  for (const value of Object.values(prefetch ?? {})) {
    for (const resource of resourcesOf(value)) {
      if (resource.resourceType === 'Patient') {
        if (resource.id === patientId) record.patient = resource as Patient;
        else omitted.push(...omission('Patient', 'other-patient', 1));
        continue;
      }
      const field = fieldOf(resource.resourceType);
      if (!field) {
        const type = unsupportedName(resource.resourceType, unsupported);
        unsupported.set(type, (unsupported.get(type) ?? 0) + 1);
        continue;
      }
      if (!isAbout(resource, patientId)) {
        omitted.push(...omission(resource.resourceType, 'other-patient', 1));
        continue;
      }
      const resources = (record[field] ?? []) as Resource[];
      resources.push(resource);
      record[field] = resources as never;
    }
    // A searchset names the type it was asked for: an empty one marks that type as known.
    const asked = askedType(value);
    const field = asked ? fieldOf(asked) : undefined;
    if (field) record[field] ??= [];
    const type = asked ?? matchedType(value);
    if (type && fieldOf(type)) omitted.push(...unsentOf(value as Bundle, type));
  }
  for (const [type, count] of unsupported) omitted.push(...omission(type, 'unsupported-type', count));
  if (omitted.length > 0) record.omitted = mergeOmissions(omitted);
  return record;
}

const fieldOf = (resourceType: string): Field | undefined =>
  Object.hasOwn(FIELD_BY_TYPE, resourceType) ? FIELD_BY_TYPE[resourceType] : undefined;

/** Unsupported types are named (a few, when they look like FHIR types); the rest are summed as `Resource`. */
const MAX_UNSUPPORTED_TYPES = 10;
function unsupportedName(resourceType: string, seen: ReadonlyMap<string, number>): string {
  const named = /^[A-Z][A-Za-z]{1,63}$/.test(resourceType) && resourceType !== 'Resource';
  return named && (seen.has(resourceType) || seen.size < MAX_UNSUPPORTED_TYPES) ? resourceType : 'Resource';
}

/** The type a searchset Bundle was asked for, as its self link says. */
function askedType(value: unknown): string | undefined {
  const bundle = value as Bundle | null;
  if (bundle?.resourceType !== 'Bundle') return undefined;
  const self = bundle.link?.find((link) => link.relation === 'self')?.url ?? '';
  return /^(?:.*\/)?([A-Z][A-Za-z]+)\?/.exec(self)?.[1];
}

/** The type of a Bundle's matches, for one without a self link. */
function matchedType(value: unknown): string | undefined {
  const bundle = value as Bundle | null;
  if (bundle?.resourceType !== 'Bundle') return undefined;
  return list(bundle.entry).find((entry) => entry.search?.mode !== 'include')?.resource?.resourceType;
}

/**
 * What a searchset held beyond the page the EHR sent: its `total` less the matches sent, or at least
 * one when it links a next page without a total.
 */
function unsentOf(bundle: Bundle, resourceType: string): Omission[] {
  const sent = list(bundle.entry).filter(
    (entry) => entry.resource?.resourceType === resourceType && entry.search?.mode !== 'include',
  ).length;
  if (Number.isSafeInteger(bundle.total) && bundle.total! > sent)
    return omission(resourceType, 'not-prefetched', bundle.total! - sent, sent);
  if (bundle.link?.some((link) => link.relation === 'next'))
    return omission(resourceType, 'not-prefetched', 1, sent).map((entry) => ({ ...entry, atLeast: true }));
  return [];
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
