import type { SuggestionSet } from '@aloe/shared/schemas';
import type { Bundle, Provenance, Resource } from '@medplum/fhirtypes';
import { SUGGESTION_SET_TAG_SYSTEM } from '../write-back/ai-transparency.js';
import type { EarlierWrites, WrittenSuggestion } from '../write-back/supersede.js';
import { callEhr } from './ehr-errors.js';
import type { FhirClient } from './fhir-client.js';

/** One page is plenty: a patient has a handful of unreviewed suggestions, a set a handful of resources. */
const PAGE = 200;

/** The EHR's resources of one type that Aloe wrote (they carry a suggestion-set tag) matching `params`. */
async function searchAloe<T extends Resource>(
  client: FhirClient,
  resourceType: T['resourceType'],
  params: Record<string, string>,
): Promise<T[]> {
  const bundle = (await callEhr<unknown>(
    () =>
      client.search({
        resourceType,
        searchParams: { _tag: `${SUGGESTION_SET_TAG_SYSTEM}|`, _count: String(PAGE), ...params },
      }),
    `the search for Aloe's ${resourceType} resources`,
  )) as Bundle;
  return (bundle.entry ?? [])
    .map((entry) => entry.resource)
    .filter((resource): resource is T => resource?.resourceType === resourceType);
}

/**
 * What earlier analyses wrote for the patient that a new set must know of (EHR reads): the suggestions
 * nobody reviewed yet, and any written after this set was produced (which makes this set stale).
 */
export async function readEarlierWrites(client: FhirClient, set: SuggestionSet): Promise<EarlierWrites> {
  const patient = set.patient.ref;
  const [issues, communications, newerIssues, newerCommunications] = await Promise.all([
    searchAloe<WrittenSuggestion>(client, 'DetectedIssue', { patient, status: 'preliminary' }),
    searchAloe<WrittenSuggestion>(client, 'Communication', { subject: patient, status: 'in-progress' }),
    searchAloe<WrittenSuggestion>(client, 'DetectedIssue', { patient, identified: `gt${set.producedAt}` }),
    searchAloe<WrittenSuggestion>(client, 'Communication', { subject: patient, sent: `gt${set.producedAt}` }),
  ]);
  return { unreviewed: [...issues, ...communications], newer: [...newerIssues, ...newerCommunications] };
}

/** Everything one suggestion set wrote: its suggestions and their Provenances (EHR reads). */
export async function readSetWrites(
  client: FhirClient,
  setId: string,
): Promise<{ suggestions: WrittenSuggestion[]; provenances: Provenance[] }> {
  const tag = `${SUGGESTION_SET_TAG_SYSTEM}|${setId}`;
  const [issues, communications, provenances] = await Promise.all([
    searchAloe<WrittenSuggestion>(client, 'DetectedIssue', { _tag: tag }),
    searchAloe<WrittenSuggestion>(client, 'Communication', { _tag: tag }),
    searchAloe<Provenance>(client, 'Provenance', { _tag: tag }),
  ]);
  return { suggestions: [...issues, ...communications], provenances };
}
