import type { SuggestionSet } from '@aloe/shared/schemas';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import {
  KNOWLEDGE_RULES_IDENTIFIER_SYSTEM,
  MODEL_IDENTIFIER_SYSTEM,
  SUGGESTION_IDENTIFIER_SYSTEM,
} from './ai-transparency.js';
import {
  buildCommunication,
  buildDetectedIssue,
  buildDevice,
  buildProvenance,
  buildRulesDevice,
  chartCitations,
  entryUrn,
  isFromRules,
  provenanceTag,
  rulesVersionOf,
  suggestionIdentifier,
} from './build-resources.js';

/**
 * The write-back of one suggestion set as a FHIR transaction (pure). For the model's allowed or warned
 * suggestions: the model Device, one DetectedIssue (medication safety) or Communication each, labelled
 * AI-asserted, and one Provenance; for the knowledge suggestions (chart findings the model did not
 * address): the rules Device, one DetectedIssue each, not labelled AI, and their own Provenance. Every
 * entry is a conditional create (ifNoneExist on the suggestion identifier, the device identifier or the
 * Provenance tag), so a redelivered set writes nothing twice. Blocked suggestions are never written.
 * Returns undefined when nothing is to be written.
 */
export function buildWriteBackTransaction(set: SuggestionSet): Bundle | undefined {
  const writable = set.suggestions.filter((suggestion) => suggestion.verdict !== 'block');
  if (writable.length === 0) return undefined;
  const groups = [
    {
      author: 'model' as const,
      suggestions: writable.filter((suggestion) => !isFromRules(suggestion)),
      device: buildDevice(set),
      deviceQuery: `identifier=${MODEL_IDENTIFIER_SYSTEM}|${set.model.fileSha256}`,
    },
    {
      author: 'knowledge' as const,
      suggestions: writable.filter(isFromRules),
      device: buildRulesDevice(set),
      deviceQuery: `identifier=${KNOWLEDGE_RULES_IDENTIFIER_SYSTEM}|${rulesVersionOf(set)}`,
    },
  ];
  const entries: BundleEntry[] = [];
  for (const group of groups.filter((candidate) => candidate.suggestions.length > 0)) {
    const deviceUrn = entryUrn(group.deviceQuery, 'device');
    const device = { reference: deviceUrn };
    entries.push(create(deviceUrn, group.device, group.deviceQuery));
    const written: BundleEntry[] = group.suggestions.map((suggestion) => {
      const resource =
        suggestion.kind === 'medication-safety' || isFromRules(suggestion)
          ? buildDetectedIssue(set, suggestion, device)
          : buildCommunication(set, suggestion, device);
      const identifier = suggestionIdentifier(set, suggestion);
      return create(
        entryUrn(set.setId, suggestion.id),
        resource,
        `identifier=${SUGGESTION_IDENTIFIER_SYSTEM}|${identifier.value}`,
      );
    });
    entries.push(...written);
    const tag = provenanceTag(set, group.author);
    entries.push(
      create(
        entryUrn(set.setId, 'provenance', group.author),
        buildProvenance(
          set,
          group.author,
          written.map((entry) => ({ reference: entry.fullUrl! })),
          device,
          chartCitations(
            set,
            group.suggestions.flatMap((suggestion) => suggestion.citations),
          ),
        ),
        `_tag=${tag.system}|${tag.code}`,
      ),
    );
  }
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

function create(fullUrl: string, resource: Resource, ifNoneExist: string): BundleEntry {
  return { fullUrl, resource, request: { method: 'POST', url: resource.resourceType, ifNoneExist } };
}
