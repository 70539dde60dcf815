import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
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

/** The searches behind a PatientContext. Each follows Bundle paging (`next` links). */
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
  const since = new Date(options.now.getTime() - options.observationWindowDays * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const subject = `Patient/${patientId}`;
  const pageSize = options.pageSize ?? 100;
  const encounterLimit = options.encounterLimit ?? 10;
  // Each field: what the EHR already sent (CDS Hooks prefetch), or a search that follows paging.
  const field = <K extends Exclude<keyof PatientRecord, 'patient'>>(
    name: K,
    resourceType: string,
    searchParams: Record<string, string | number>,
    limit = Infinity,
  ): Promise<PatientRecord[K]> =>
    prefetched[name]
      ? Promise.resolve(prefetched[name] as PatientRecord[K])
      : (searchAll(client, resourceType, searchParams, limit, options.maxPages ?? 50) as Promise<
          PatientRecord[K]
        >);
  const [conditions, medicationRequests, medicationStatements, allergies, observations, encounters, notes] =
    await Promise.all([
      field('conditions', 'Condition', { patient: subject, _count: pageSize }),
      field('medicationRequests', 'MedicationRequest', {
        patient: subject,
        status: 'active',
        _count: pageSize,
      }),
      field('medicationStatements', 'MedicationStatement', {
        patient: subject,
        status: 'active',
        _count: pageSize,
      }),
      field('allergies', 'AllergyIntolerance', { patient: subject, _count: pageSize }),
      field(
        'observations',
        'Observation',
        {
          patient: subject,
          date: `ge${since}`,
          _sort: '-date',
          _count: Math.min(options.observationLimit, pageSize),
        },
        options.observationLimit,
      ),
      field(
        'encounters',
        'Encounter',
        { patient: subject, _sort: '-date', _count: encounterLimit },
        encounterLimit,
      ),
      options.includeNotes
        ? field('notes', 'DocumentReference', { patient: subject, _sort: '-date', _count: 10 }, 10)
        : Promise.resolve([]),
    ]);
  return {
    patient,
    conditions,
    medicationRequests,
    medicationStatements,
    allergies,
    observations,
    encounters,
    notes,
  };
}

async function searchAll<T extends Resource>(
  client: FhirClient,
  resourceType: string,
  searchParams: Record<string, string | number>,
  limit: number,
  maxPages: number,
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
