import type { Feedback } from '@aloe/shared/schemas';
import type { BundleEntry, Provenance, ProvenanceAgent } from '@medplum/fhirtypes';
import { SUGGESTION_IDENTIFIER_SYSTEM } from './ai-transparency.js';
import { SUPERSEDED_STATUS, type WrittenSuggestion } from './supersede.js';
import { versionedUpdate } from './versioned-update.js';

/** What a clinician's acceptance moves a written suggestion to: reviewed, no longer preliminary. */
export const REVIEWED_STATUS = { DetectedIssue: 'final', Communication: 'completed' } as const;

const VERIFIER: ProvenanceAgent['type'] = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
      code: 'verifier',
      display: 'Verifier',
    },
  ],
};

/** The written resource of a feedback's suggestion among its set's resources (identifier `<contextId>/<id>`). */
export function reviewedResource(
  feedback: Pick<Feedback, 'suggestionId'>,
  resources: readonly WrittenSuggestion[],
): WrittenSuggestion | undefined {
  return resources.find((resource) =>
    resource.identifier?.some(
      (identifier) =>
        identifier.system === SUGGESTION_IDENTIFIER_SYSTEM &&
        identifier.value?.endsWith(`/${feedback.suggestionId}`),
    ),
  );
}

/**
 * The updates an acceptance makes (pure): the suggestion's resource to its reviewed status, and the
 * clinician added to its Provenance as a `verifier` agent (a new version of each, version-checked).
 * Nothing when it is already so (a redelivered feedback), or when a newer analysis superseded it.
 */
export function acceptanceEntries(
  fhirBase: string,
  clinician: string,
  resource: WrittenSuggestion,
  provenance: Provenance | undefined,
): BundleEntry[] {
  const entries: BundleEntry[] = [];
  // A newer analysis replaced it: accepting an old card does not bring it back.
  if (resource.status === SUPERSEDED_STATUS[resource.resourceType]) return entries;
  const reviewed = REVIEWED_STATUS[resource.resourceType];
  if (resource.status !== reviewed)
    entries.push(versionedUpdate(fhirBase, { ...resource, status: reviewed } as WrittenSuggestion));
  const verified = provenance?.agent.some(
    (agent) => agent.who?.reference === clinician && agent.type?.coding?.[0]?.code === 'verifier',
  );
  if (provenance && !verified)
    entries.push(
      versionedUpdate(fhirBase, {
        ...provenance,
        agent: [...provenance.agent, { type: VERIFIER, who: { reference: clinician } }],
      }),
    );
  return entries;
}
