import type { SuggestionSet } from '@aloe/shared/schemas';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import {
  MODEL_IDENTIFIER_SYSTEM,
  SUGGESTION_IDENTIFIER_SYSTEM,
  SUGGESTION_SET_TAG_SYSTEM,
} from './ai-transparency.js';
import {
  buildCommunication,
  buildDetectedIssue,
  buildDevice,
  buildProvenance,
  entryUrn,
  suggestionIdentifier,
} from './build-resources.js';

/**
 * The write-back of one suggestion set as a FHIR transaction (pure): the model Device, one DetectedIssue
 * (medication safety) or Communication per allowed or warned suggestion, and one Provenance. Every
 * entry is a conditional create (ifNoneExist on the suggestion identifier, the model digest or the set
 * tag), so a redelivered set writes nothing twice. Blocked suggestions are never written. Returns
 * undefined when nothing is to be written.
 */
export function buildWriteBackTransaction(set: SuggestionSet): Bundle | undefined {
  const writable = set.suggestions.filter((suggestion) => suggestion.verdict !== 'block');
  if (writable.length === 0) return undefined;
  const deviceUrn = entryUrn(set.model.fileSha256, 'device');
  const device = { reference: deviceUrn };
  const entries: BundleEntry[] = [
    create(deviceUrn, buildDevice(set), `identifier=${MODEL_IDENTIFIER_SYSTEM}|${set.model.fileSha256}`),
  ];
  for (const suggestion of writable) {
    const resource =
      suggestion.kind === 'medication-safety'
        ? buildDetectedIssue(set, suggestion, device)
        : buildCommunication(set, suggestion, device);
    const identifier = suggestionIdentifier(set, suggestion);
    entries.push(
      create(
        entryUrn(set.setId, suggestion.id),
        resource,
        `identifier=${SUGGESTION_IDENTIFIER_SYSTEM}|${identifier.value}`,
      ),
    );
  }
  const targets = entries.slice(1).map((entry) => ({ reference: entry.fullUrl! }));
  const sources = writable.flatMap((suggestion) => suggestion.citations);
  entries.push(
    create(
      entryUrn(set.setId, 'provenance'),
      buildProvenance(set, targets, device, sources),
      `_tag=${SUGGESTION_SET_TAG_SYSTEM}|${set.setId}`,
    ),
  );
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

function create(fullUrl: string, resource: Resource, ifNoneExist: string): BundleEntry {
  return { fullUrl, resource, request: { method: 'POST', url: resource.resourceType, ifNoneExist } };
}
