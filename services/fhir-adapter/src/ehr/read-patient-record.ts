import { AppError, ErrorCode, NotFoundError, UnavailableError } from '@aloe/shared/errors';
import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import type { PatientRecord } from '../context/patient-record.js';
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
): Promise<PatientRecord> {
  const patient = (await call(
    () => client.read({ resourceType: 'Patient', id: patientId }),
    `Patient/${patientId}`,
  )) as unknown as Patient;
  const since = new Date(options.now.getTime() - options.observationWindowDays * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const subject = `Patient/${patientId}`;
  const pageSize = options.pageSize ?? 100;
  const search = <T extends Resource>(
    resourceType: string,
    searchParams: Record<string, string | number>,
    limit = Infinity,
  ) => searchAll<T>(client, resourceType, searchParams, limit, options.maxPages ?? 50);
  const [conditions, medicationRequests, medicationStatements, allergies, observations, encounters, notes] =
    await Promise.all([
      search<PatientRecord['conditions'][number]>('Condition', { patient: subject, _count: pageSize }),
      search<PatientRecord['medicationRequests'][number]>('MedicationRequest', {
        patient: subject,
        status: 'active',
        _count: pageSize,
      }),
      search<PatientRecord['medicationStatements'][number]>('MedicationStatement', {
        patient: subject,
        status: 'active',
        _count: pageSize,
      }),
      search<PatientRecord['allergies'][number]>('AllergyIntolerance', {
        patient: subject,
        _count: pageSize,
      }),
      search<PatientRecord['observations'][number]>(
        'Observation',
        {
          patient: subject,
          date: `ge${since}`,
          _sort: '-date',
          _count: Math.min(options.observationLimit, pageSize),
        },
        options.observationLimit,
      ),
      search<PatientRecord['encounters'][number]>(
        'Encounter',
        { patient: subject, _sort: '-date', _count: options.encounterLimit ?? 10 },
        options.encounterLimit ?? 10,
      ),
      options.includeNotes
        ? search<PatientRecord['notes'][number]>(
            'DocumentReference',
            { patient: subject, _sort: '-date', _count: 10 },
            10,
          )
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

/** Maps the EHR's HTTP failures to our errors: 404 → NOT_FOUND; 5xx and network errors → retriable. */
async function call<T>(request: () => Promise<T>, what: string): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const status = (error as { response?: { status?: number } }).response?.status;
    if (status === 404 || status === 410) throw new NotFoundError(`The EHR has no ${what}`, { cause: error });
    if (status === 401 || status === 403) {
      throw new AppError(ErrorCode.Unauthorized, `The EHR refused to read ${what} (HTTP ${status})`, {
        cause: error,
      });
    }
    if (status !== undefined && status < 500 && status !== 429) {
      throw new AppError(ErrorCode.InvalidInput, `The EHR rejected the read of ${what} (HTTP ${status})`, {
        cause: error,
      });
    }
    throw new UnavailableError(
      `The EHR did not answer the read of ${what}${status ? ` (HTTP ${status})` : ''}`,
      {
        cause: error,
      },
    );
  }
}
