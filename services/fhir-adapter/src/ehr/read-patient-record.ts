import type { Omission } from '@aloe/shared/schemas';
import type {
  Bundle,
  Medication,
  MedicationRequest,
  MedicationStatement,
  Patient,
  Resource,
} from '@medplum/fhirtypes';
import type { Prefetched } from '../context/from-prefetch.js';
import {
  CURRENT_REQUEST_STATUSES,
  ENDED_REQUEST_STATUSES,
  MEDICATION_HISTORY_DAYS,
  medicationRefOf,
} from '../context/medication-items.js';
import { mergeOmissions, omission } from '../context/omissions.js';
import type { PatientRecord } from '../context/patient-record.js';
import { limitPrefetched, readLimitsOf, windowStart } from '../context/read-limits.js';
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

type Field = Exclude<keyof PatientRecord, 'patient' | 'medications' | 'omitted'>;

/**
 * The searches behind a PatientContext. Each follows Bundle paging (`next` links); a type the EHR already
 * sent (CDS Hooks prefetch) is not read again, but cut to the same windows and limits (read-limits.ts).
 * Medication resources that requests point at come with `_include`, and any still missing are read one
 * by one, so `medicationReference` always resolves when the EHR has the resource. What the windows,
 * limits and paging leave out is counted in `omitted`: from the searches' `total`, and for the windows
 * from a count search (`_summary=count`) of what is older.
 */
export async function readPatientRecord(
  client: FhirClient,
  patientId: string,
  options: ReadPatientRecordOptions,
  given: Prefetched = {},
): Promise<PatientRecord> {
  const limits = readLimitsOf(options);
  const prefetched = limitPrefetched(given, limits, options.now);
  const patient =
    prefetched.patient ??
    ((await call(
      () => client.read({ resourceType: 'Patient', id: patientId }),
      `Patient/${patientId}`,
    )) as unknown as Patient);
  const daysAgo = (days: number) => windowStart(options.now, days);
  const subject = `Patient/${patientId}`;
  const pageSize = options.pageSize ?? 100;
  const maxPages = options.maxPages ?? 50;
  const included: Medication[] = [];
  const omitted: Omission[] = [...(prefetched.omitted ?? [])];
  const search = async <T extends Resource>(
    resourceType: string,
    params: Record<string, string | number>,
    limit = Infinity,
  ) => {
    const result = await searchAll<T>(client, resourceType, params, limit, maxPages, included);
    omitted.push(...result.omitted);
    return result.resources;
  };
  // How many the window leaves out: a count search of what is older (unknown when the EHR cannot count).
  const countOutside = async (
    resourceType: string,
    params: Record<string, string>,
    reason: Omission['reason'],
    days: number,
  ) => {
    omitted.push(...omission(resourceType, reason, await countMatches(client, resourceType, params), days));
  };
  // Each field: what the EHR already sent (CDS Hooks prefetch), or the searches that fill it.
  const field = <K extends Field>(name: K, read: () => Promise<Resource[]>): Promise<PatientRecord[K]> =>
    prefetched[name]
      ? Promise.resolve(prefetched[name] as PatientRecord[K])
      : (read() as Promise<PatientRecord[K]>);
  const medicationParams = { patient: subject, _count: pageSize, _include: 'MedicationRequest:medication' };
  const historyStart = daysAgo(MEDICATION_HISTORY_DAYS);
  const procedureStart = daysAgo(limits.procedureWindowDays);
  const observationStart = daysAgo(limits.observationWindowDays);
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
    field('medicationRequests', async () => {
      const [current, recent] = await Promise.all([
        search<MedicationRequest>('MedicationRequest', {
          ...medicationParams,
          status: CURRENT_REQUEST_STATUSES.join(','),
        }),
        search<MedicationRequest>('MedicationRequest', {
          ...medicationParams,
          authoredon: `ge${historyStart}`,
        }),
        countOutside(
          'MedicationRequest',
          { patient: subject, status: ENDED_REQUEST_STATUSES.join(','), authoredon: `lt${historyStart}` },
          'ended-before-window',
          MEDICATION_HISTORY_DAYS,
        ),
      ]);
      return uniqueById([...current, ...recent]);
    }),
    field('medicationStatements', () =>
      search<MedicationStatement>('MedicationStatement', {
        patient: subject,
        _count: pageSize,
        _include: 'MedicationStatement:medication',
      }),
    ),
    field('allergies', () => search('AllergyIntolerance', { patient: subject, _count: pageSize })),
    field('observations', async () => {
      const [read] = await Promise.all([
        search(
          'Observation',
          {
            patient: subject,
            date: `ge${observationStart}`,
            _sort: '-date',
            _count: Math.min(limits.observationLimit, pageSize),
          },
          limits.observationLimit,
        ),
        countOutside(
          'Observation',
          { patient: subject, date: `lt${observationStart}` },
          'outside-window',
          limits.observationWindowDays,
        ),
      ]);
      return read;
    }),
    field('encounters', () =>
      search(
        'Encounter',
        { patient: subject, _sort: '-date', _count: Math.min(limits.encounterLimit, pageSize) },
        limits.encounterLimit,
      ),
    ),
    field('procedures', async () => {
      const [read] = await Promise.all([
        search(
          'Procedure',
          {
            patient: subject,
            date: `ge${procedureStart}`,
            _sort: '-date',
            _count: Math.min(limits.procedureLimit, pageSize),
          },
          limits.procedureLimit,
        ),
        countOutside(
          'Procedure',
          { patient: subject, date: `lt${procedureStart}` },
          'outside-window',
          limits.procedureWindowDays,
        ),
      ]);
      return read;
    }),
    field('carePlans', () =>
      search(
        'CarePlan',
        { patient: subject, _sort: '-date', _count: Math.min(limits.carePlanLimit, pageSize) },
        limits.carePlanLimit,
      ),
    ),
    options.includeNotes && !prefetched.notes
      ? search(
          'DocumentReference',
          { patient: subject, _sort: '-date', _count: Math.min(limits.noteLimit, pageSize) },
          limits.noteLimit,
        )
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
    omitted: mergeOmissions(omitted),
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

/**
 * Follows a search's pages up to `limit` resources or `maxPages` pages, and counts what that left out:
 * the first page's `total` less what is kept, or, without a total, at least what was seen beyond the
 * limit (at least one when a next page was not followed).
 */
async function searchAll<T extends Resource>(
  client: FhirClient,
  resourceType: string,
  searchParams: Record<string, string | number>,
  limit: number,
  maxPages: number,
  included: Medication[],
): Promise<{ resources: T[]; omitted: Omission[] }> {
  const resources: T[] = [];
  let bundle = (await call(
    () => client.search({ resourceType, searchParams }),
    resourceType,
  )) as unknown as Bundle<T>;
  const total = Number.isSafeInteger(bundle.total) ? bundle.total! : undefined;
  let hasNext = false;
  for (let page = 1; ; page++) {
    for (const entry of bundle.entry ?? []) {
      // Searches may include OperationOutcome or _include entries; keep the type asked for.
      if (entry.resource?.resourceType === resourceType && entry.search?.mode !== 'include')
        resources.push(entry.resource);
      else if (entry.resource?.resourceType === 'Medication')
        included.push(entry.resource as unknown as Medication);
    }
    hasNext = bundle.link?.some((link) => link.relation === 'next') ?? false;
    if (!hasNext || resources.length >= limit || page >= maxPages) break;
    bundle = (await call(
      () => client.nextPage({ bundle: bundle as never }) as Promise<unknown>,
      `${resourceType} (page ${page + 1})`,
    )) as Bundle<T>;
  }
  const kept = resources.slice(0, limit);
  const seenBeyond = resources.length - kept.length;
  if (seenBeyond === 0 && !hasNext && (total === undefined || total <= kept.length))
    return { resources: kept, omitted: [] };
  const [reason, bound] =
    resources.length >= limit ? (['over-limit', limit] as const) : (['paging-stopped', maxPages] as const);
  const omitted =
    total !== undefined && total > kept.length
      ? omission(resourceType, reason, total - kept.length, bound)
      : omission(resourceType, reason, Math.max(seenBeyond, 1), bound).map((entry) => ({
          ...entry,
          atLeast: true as const,
        }));
  return { resources: kept, omitted };
}

/** How many resources a search matches (`_summary=count`); undefined when the EHR cannot say. */
async function countMatches(
  client: FhirClient,
  resourceType: string,
  searchParams: Record<string, string>,
): Promise<number | undefined> {
  try {
    const bundle = (await call(
      () => client.search({ resourceType, searchParams: { ...searchParams, _summary: 'count' } }),
      `${resourceType} (count)`,
    )) as unknown as Bundle;
    return Number.isSafeInteger(bundle.total) && bundle.total! >= 0 ? bundle.total : undefined;
  } catch {
    // A count is a courtesy of the EHR: without it the context says the number is unknown.
    return undefined;
  }
}
