import type {
  Bundle,
  Medication,
  MedicationRequest,
  MedicationStatement,
  Patient,
  Resource,
} from '@medplum/fhirtypes';
import { medicationRefOf } from '../context/medication-items.js';
import type { PatientRecord } from '../context/patient-record.js';
import { callEhr as call } from './ehr-errors.js';
import type { FhirClient } from './fhir-client.js';

export interface ReadPatientRecordOptions {
  /** Observations from this many days before `now`. */
  observationWindowDays: number;
  /** At most this many observations, most recent first. */
  observationLimit: number;
  encounterLimit?: number;
  /** Read clinical notes (DocumentReference with text/plain) too. */
  includeNotes: boolean;
  now: Date;
  /** `_count` per page (default 100). */
  pageSize?: number;
  /** Stop following `next` links after this many pages per search (a runaway EHR must not hang us). */
  maxPages?: number;
}

/** Ended medications, procedures and care plans are read this far back (opioid rules look back months). */
const HISTORY_DAYS = 180;
const PROCEDURE_LIMIT = 50;
const CARE_PLAN_LIMIT = 20;

type Field = Exclude<keyof PatientRecord, 'patient' | 'medications'>;

/**
 * The searches behind a PatientContext. Each follows Bundle paging (`next` links); a type the EHR already
 * sent (CDS Hooks prefetch) is not read again. Medication resources that requests point at come with
 * `_include`, and any still missing are read one by one, so `medicationReference` always resolves when
 * the EHR has the resource.
 */
export async function readPatientRecord(
  client: FhirClient,
  patientId: string,
  options: ReadPatientRecordOptions,
  prefetched: Partial<PatientRecord> = {},
): Promise<PatientRecord> {
  const patient =
    prefetched.patient ??
    ((await call(
      () => client.read({ resourceType: 'Patient', id: patientId }),
      `Patient/${patientId}`,
    )) as unknown as Patient);
  const daysAgo = (days: number) =>
    new Date(options.now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const subject = `Patient/${patientId}`;
  const pageSize = options.pageSize ?? 100;
  const encounterLimit = options.encounterLimit ?? 10;
  const included: Medication[] = [];
  const search = <T extends Resource>(
    resourceType: string,
    params: Record<string, string | number>,
    limit = Infinity,
  ) => searchAll<T>(client, resourceType, params, limit, options.maxPages ?? 50, included);
  // Each field: what the EHR already sent (CDS Hooks prefetch), or the searches that fill it.
  const field = <K extends Field>(name: K, read: () => Promise<Resource[]>): Promise<PatientRecord[K]> =>
    prefetched[name]
      ? Promise.resolve(prefetched[name] as PatientRecord[K])
      : (read() as Promise<PatientRecord[K]>);
  const medicationParams = { patient: subject, _count: pageSize, _include: 'MedicationRequest:medication' };
  const [
    conditions,
    medicationRequests,
    medicationStatements,
    allergies,
    observations,
    encounters,
    procedures,
    carePlans,
    notes,
  ] = await Promise.all([
    field('conditions', () => search('Condition', { patient: subject, _count: pageSize })),
    field('medicationRequests', async () =>
      uniqueById(
        (
          await Promise.all([
            search<MedicationRequest>('MedicationRequest', { ...medicationParams, status: 'active' }),
            search<MedicationRequest>('MedicationRequest', {
              ...medicationParams,
              authoredon: `ge${daysAgo(HISTORY_DAYS)}`,
            }),
          ])
        ).flat(),
      ),
    ),
    field('medicationStatements', () =>
      search<MedicationStatement>('MedicationStatement', {
        patient: subject,
        _count: pageSize,
        _include: 'MedicationStatement:medication',
      }),
    ),
    field('allergies', () => search('AllergyIntolerance', { patient: subject, _count: pageSize })),
    field('observations', () =>
      search(
        'Observation',
        {
          patient: subject,
          date: `ge${daysAgo(options.observationWindowDays)}`,
          _sort: '-date',
          _count: Math.min(options.observationLimit, pageSize),
        },
        options.observationLimit,
      ),
    ),
    field('encounters', () =>
      search('Encounter', { patient: subject, _sort: '-date', _count: encounterLimit }, encounterLimit),
    ),
    field('procedures', () =>
      search(
        'Procedure',
        { patient: subject, date: `ge${daysAgo(HISTORY_DAYS * 2)}`, _sort: '-date', _count: PROCEDURE_LIMIT },
        PROCEDURE_LIMIT,
      ),
    ),
    field('carePlans', () =>
      search('CarePlan', { patient: subject, _sort: '-date', _count: CARE_PLAN_LIMIT }, CARE_PLAN_LIMIT),
    ),
    options.includeNotes && !prefetched.notes
      ? search('DocumentReference', { patient: subject, _sort: '-date', _count: 10 }, 10)
      : Promise.resolve(prefetched.notes ?? []),
  ]);
  const medications = await readMissingMedications(
    client,
    [...(medicationRequests as MedicationRequest[]), ...(medicationStatements as MedicationStatement[])],
    [...(prefetched.medications ?? []), ...included],
  );
  return {
    patient,
    conditions,
    medicationRequests,
    medicationStatements,
    medications,
    allergies,
    observations,
    encounters,
    procedures,
    carePlans,
    notes,
  } as PatientRecord;
}

/** Medications referenced but neither prefetched nor included: read each (a missing one is left out). */
async function readMissingMedications(
  client: FhirClient,
  resources: Array<MedicationRequest | MedicationStatement>,
  known: Medication[],
): Promise<Medication[]> {
  const have = new Set(known.map((medication) => `Medication/${medication.id}`));
  const missing = [
    ...new Set(
      resources
        .map((resource) => medicationRefOf(resource.medicationReference))
        .filter((ref): ref is string => ref !== undefined && !have.has(ref)),
    ),
  ];
  const read = await Promise.all(
    missing.map((ref) =>
      call(() => client.read({ resourceType: 'Medication', id: ref.split('/')[1]! }), ref).then(
        (medication) => medication as unknown as Medication,
        () => undefined,
      ),
    ),
  );
  return [...known, ...read.filter((medication): medication is Medication => medication !== undefined)];
}

function uniqueById<T extends Resource>(resources: T[]): T[] {
  return [...new Map(resources.map((resource) => [resource.id, resource])).values()];
}

async function searchAll<T extends Resource>(
  client: FhirClient,
  resourceType: string,
  searchParams: Record<string, string | number>,
  limit: number,
  maxPages: number,
  included: Medication[],
): Promise<T[]> {
  const resources: T[] = [];
  let bundle = (await call(
    () => client.search({ resourceType, searchParams }),
    resourceType,
  )) as unknown as Bundle<T>;
  for (let page = 1; ; page++) {
    for (const entry of bundle.entry ?? []) {
      // Searches may include OperationOutcome or _include entries; keep the type asked for.
      if (entry.resource?.resourceType === resourceType && entry.search?.mode !== 'include')
        resources.push(entry.resource);
      else if (entry.resource?.resourceType === 'Medication')
        included.push(entry.resource as unknown as Medication);
    }
    const hasNext = bundle.link?.some((link) => link.relation === 'next');
    if (!hasNext || resources.length >= limit || page >= maxPages) break;
    bundle = (await call(
      () => client.nextPage({ bundle: bundle as never }) as Promise<unknown>,
      `${resourceType} (page ${page + 1})`,
    )) as Bundle<T>;
  }
  return resources.slice(0, limit);
}
