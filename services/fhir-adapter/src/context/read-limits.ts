import type { Omission } from '@aloe/shared/schemas';
import type { CarePlan, DocumentReference, Encounter, Observation, Procedure } from '@medplum/fhirtypes';
import type { Prefetched } from './from-prefetch.js';
import { MEDICATION_HISTORY_DAYS } from './medication-items.js';
import { mergeOmissions, omission } from './omissions.js';

/**
 * The windows and limits of a chart read: the searches ask the EHR for them, and what the EHR
 * prefetched is cut to them, so a context holds the same slice of the chart whichever way it came.
 */
export interface ReadLimits {
  observationWindowDays: number;
  /** The newest observations kept (the configuration caps it at half of MAX_CONTEXT_ITEMS). */
  observationLimit: number;
  encounterLimit: number;
  procedureWindowDays: number;
  procedureLimit: number;
  carePlanLimit: number;
  noteLimit: number;
}

/**
 * The limits that are not configured. With the configured observation limit (at most half of
 * MAX_CONTEXT_ITEMS) they leave a context room for the kinds read whole (problems, medications,
 * allergies); what still does not fit is cut by the normaliser, and counted.
 */
export const FIXED_LIMITS = {
  encounterLimit: 10,
  procedureWindowDays: 2 * MEDICATION_HISTORY_DAYS,
  procedureLimit: 50,
  carePlanLimit: 20,
  noteLimit: 10,
} as const;

export function readLimitsOf(options: {
  observationWindowDays: number;
  observationLimit: number;
  encounterLimit?: number | undefined;
}): ReadLimits {
  return {
    ...FIXED_LIMITS,
    observationWindowDays: options.observationWindowDays,
    observationLimit: options.observationLimit,
    encounterLimit: options.encounterLimit ?? FIXED_LIMITS.encounterLimit,
  };
}

/** The first day of a window of `days` ending at `now` (YYYY-MM-DD, as the searches' `ge` takes it). */
export function windowStart(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * What the EHR prefetched, cut to the windows and limits the searches would have used (newest kept),
 * with what was cut added to its `omitted`. Types the EHR did not send stay absent (they are read). Pure.
 */
export function limitPrefetched(prefetched: Prefetched, limits: ReadLimits, now: Date): Prefetched {
  const limited: Prefetched = { ...prefetched };
  const omitted: Omission[] = [...(prefetched.omitted ?? [])];
  const cut = <T>(
    resourceType: string,
    resources: T[] | undefined,
    dateOf: (resource: T) => string | undefined,
    limit: number,
    windowDays?: number,
  ): T[] | undefined => {
    if (!resources) return undefined;
    const since = windowDays === undefined ? undefined : windowStart(now, windowDays);
    const result = newestWithin(resources, dateOf, limit, since);
    omitted.push(
      ...omission(resourceType, 'outside-window', result.older, windowDays),
      ...omission(resourceType, 'over-limit', result.over, limit),
    );
    return result.kept;
  };
  limited.observations = cut(
    'Observation',
    prefetched.observations,
    observationDate,
    limits.observationLimit,
    limits.observationWindowDays,
  );
  limited.procedures = cut(
    'Procedure',
    prefetched.procedures,
    procedureDate,
    limits.procedureLimit,
    limits.procedureWindowDays,
  );
  limited.encounters = cut('Encounter', prefetched.encounters, encounterDate, limits.encounterLimit);
  limited.carePlans = cut('CarePlan', prefetched.carePlans, carePlanDate, limits.carePlanLimit);
  limited.notes = cut('DocumentReference', prefetched.notes, noteDate, limits.noteLimit);
  for (const field of ['observations', 'procedures', 'encounters', 'carePlans', 'notes'] as const)
    if (limited[field] === undefined) delete limited[field];
  if (omitted.length > 0) limited.omitted = mergeOmissions(omitted);
  return limited;
}

/**
 * The newest `limit` resources not wholly before `since` (a period counts by its end, as a FHIR `ge`
 * date search does); undated ones are kept and come last.
 */
function newestWithin<T>(
  resources: T[],
  dateOf: (resource: T) => string | undefined,
  limit: number,
  since: string | undefined,
) {
  const inWindow = resources.filter((resource) => {
    const date = dateOf(resource);
    return !since || !date || date.slice(0, 10) >= since;
  });
  const newestFirst = [...inWindow].sort((a, b) => (dateOf(b) ?? '').localeCompare(dateOf(a) ?? ''));
  const kept = newestFirst.slice(0, limit);
  return {
    kept,
    older: resources.length - inWindow.length,
    over: inWindow.length - kept.length,
  };
}

const observationDate = (observation: Observation) =>
  observation.effectiveDateTime ??
  observation.effectivePeriod?.end ??
  observation.effectivePeriod?.start ??
  observation.effectiveInstant ??
  observation.issued;
const procedureDate = (procedure: Procedure) =>
  procedure.performedDateTime ?? procedure.performedPeriod?.end ?? procedure.performedPeriod?.start;
const encounterDate = (encounter: Encounter) => encounter.period?.end ?? encounter.period?.start;
const carePlanDate = (plan: CarePlan) => plan.period?.end ?? plan.period?.start ?? plan.created;
const noteDate = (note: DocumentReference) => note.date;
