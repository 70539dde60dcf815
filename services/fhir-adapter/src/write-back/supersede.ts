import type { SuggestionSet } from '@aloe/shared/schemas';
import type { BundleEntry, Communication, DetectedIssue } from '@medplum/fhirtypes';
import { SUGGESTION_SET_TAG_SYSTEM, SUPERSEDED_BY_TAG_SYSTEM } from './ai-transparency.js';
import { versionedUpdate } from './versioned-update.js';

/** What a set wrote that nobody reviewed yet: a preliminary DetectedIssue, an in-progress Communication. */
export type WrittenSuggestion = DetectedIssue | Communication;

/** The EHR's Aloe resources of a patient a new set must know of before it writes. */
export interface EarlierWrites {
  /** Not yet reviewed: what a newer analysis supersedes. */
  unreviewed: WrittenSuggestion[];
  /** Any Aloe suggestion of the patient written after this set was produced (any status). */
  newer: WrittenSuggestion[];
}

/**
 * The status that says a newer analysis of the chart replaced a resource nobody reviewed. R4 binds
 * DetectedIssue.status to ObservationStatus, which has `cancelled`; Medplum's types carry R5's narrower
 * list, hence the cast.
 */
export const SUPERSEDED_STATUS = {
  DetectedIssue: 'cancelled' as DetectedIssue['status'],
  Communication: 'stopped',
} as const;

/** The suggestion set that wrote a resource (its set tag). */
export const setIdOf = (resource: WrittenSuggestion) =>
  resource.meta?.tag?.find((tag) => tag.system === SUGGESTION_SET_TAG_SYSTEM)?.code;

/**
 * The updates by which a set supersedes what earlier analyses of the chart wrote and nobody reviewed
 * (pure): each becomes cancelled (DetectedIssue) or stopped (Communication), tagged with the set that
 * replaced it, as a version-checked PUT. When the EHR already holds a newer set's suggestions, this set
 * arrived late: it is `stale`, and neither writes nor supersedes anything.
 */
export function supersedeEarlier(
  set: SuggestionSet,
  earlier: EarlierWrites,
): { stale: boolean; entries: BundleEntry[] } {
  if (earlier.newer.some((resource) => setIdOf(resource) !== set.setId)) return { stale: true, entries: [] };
  const entries = earlier.unreviewed
    .filter((resource) => resource.id && setIdOf(resource) !== set.setId)
    .map((resource) => {
      const tag = {
        system: SUPERSEDED_BY_TAG_SYSTEM,
        code: set.setId,
        display: 'Superseded by a newer analysis',
      };
      const meta = { ...resource.meta, tag: [...(resource.meta?.tag ?? []), tag] };
      return versionedUpdate(
        set.fhirBase,
        resource.resourceType === 'DetectedIssue'
          ? { ...resource, meta, status: SUPERSEDED_STATUS.DetectedIssue }
          : {
              ...resource,
              meta,
              status: SUPERSEDED_STATUS.Communication,
              statusReason: { text: 'Superseded by a newer analysis of the changed chart' },
            },
      );
    });
  return { stale: false, entries };
}
