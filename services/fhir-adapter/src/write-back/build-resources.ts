import { createHash } from 'node:crypto';
import type { Suggestion, SuggestionSet } from '@aloe/shared/schemas';
import type { Communication, DetectedIssue, Device, Provenance, Reference } from '@medplum/fhirtypes';
import { AI_LABEL } from '../cards/ai-label.js';

type DeviceReference = Reference<Device>;

import {
  AIAST,
  KNOWLEDGE_RULES_IDENTIFIER_SYSTEM,
  MODEL_IDENTIFIER_SYSTEM,
  PROVENANCE_TAG_SYSTEM,
  SUGGESTION_IDENTIFIER_SYSTEM,
  SUGGESTION_SET_TAG_SYSTEM,
} from './ai-transparency.js';

/** A deterministic urn:uuid for a transaction entry (the same set builds the same bundle). */
export function entryUrn(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('/')).digest('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function suggestionIdentifier(set: SuggestionSet, suggestion: Suggestion) {
  return { system: SUGGESTION_IDENTIFIER_SYSTEM, value: `${set.contextId}/${suggestion.id}` };
}

const setTag = (set: SuggestionSet) => ({
  system: SUGGESTION_SET_TAG_SYSTEM,
  code: set.setId,
  display: 'Aloe suggestion set',
});

/** What the model asserted carries the AI Transparency label; what the rules found does not. */
const meta = (set: SuggestionSet, suggestion: Suggestion) =>
  isFromRules(suggestion) ? { tag: [setTag(set)] } : { security: [{ ...AIAST }], tag: [setTag(set)] };

/** A suggestion the clinical-knowledge rules added (completeness), not the model. */
export const isFromRules = (suggestion: Suggestion) => suggestion.source === 'knowledge';

/** The version of the rules that found a set's knowledge suggestions. */
export const rulesVersionOf = (set: SuggestionSet) => set.knowledgeCoverage?.rulesVersion ?? 'unknown';

/** The model as a FHIR Device: name, version (our model id), and its GGUF file's SHA-256 and quantisation. */
export function buildDevice(set: SuggestionSet): Device {
  const { model } = set;
  return {
    resourceType: 'Device',
    identifier: [{ system: MODEL_IDENTIFIER_SYSTEM, value: model.fileSha256 }],
    status: 'active',
    deviceName: [{ name: model.name, type: 'model-name' }],
    type: {
      text: model.testModel
        ? 'AI language model (random-weight TEST MODEL)'
        : 'AI language model (Aloe, HPAI-BSC)',
    },
    version: [{ value: model.id }],
    property: [
      { type: { text: 'quantization' }, valueCode: [{ text: model.quantization }] },
      { type: { text: 'chat-template' }, valueCode: [{ text: model.chatTemplate }] },
      { type: { text: 'gguf-sha256' }, valueCode: [{ text: model.fileSha256 }] },
    ],
  };
}

/** The clinical-knowledge rules as a FHIR Device: coded, guideline-sourced rules, not AI; version = the rules'. */
export function buildRulesDevice(set: SuggestionSet): Device {
  const version = rulesVersionOf(set);
  return {
    resourceType: 'Device',
    identifier: [{ system: KNOWLEDGE_RULES_IDENTIFIER_SYSTEM, value: version }],
    status: 'active',
    deviceName: [{ name: 'Aloe clinical knowledge rules', type: 'model-name' }],
    type: { text: 'Clinical decision support rules (coded, guideline-sourced; not AI)' },
    version: [{ value: version }],
  };
}

const SEVERITY: Record<NonNullable<Suggestion['severity']>, DetectedIssue['severity']> = {
  high: 'high',
  moderate: 'moderate',
  low: 'low',
};

function suggestionText(suggestion: Suggestion, set: SuggestionSet): string {
  if (isFromRules(suggestion))
    return `${suggestion.text}\nClinical rule ${suggestion.reasons[0]?.ruleId ?? ''} (not AI)${suggestion.guideline ? `: ${suggestion.guideline.label}` : ''}.`;
  const guardrail =
    suggestion.verdict === 'warn'
      ? `Guardrail warning: ${suggestion.reasons.map((r) => r.ruleId).join(', ')}. `
      : '';
  return `${AI_LABEL} (${set.model.name}): ${suggestion.text}${suggestion.rationale ? `\nWhy: ${suggestion.rationale}` : ''}\n${guardrail}${set.disclaimer}`;
}

/** A medication-safety finding as a preliminary DetectedIssue implicating the cited resources. */
export function buildDetectedIssue(
  set: SuggestionSet,
  suggestion: Suggestion,
  device: DeviceReference,
): DetectedIssue {
  return {
    resourceType: 'DetectedIssue',
    meta: meta(set, suggestion),
    identifier: [suggestionIdentifier(set, suggestion)],
    status: 'preliminary',
    code: { text: suggestion.title },
    severity: SEVERITY[suggestion.severity ?? 'moderate'],
    patient: { reference: set.patient.ref },
    identifiedDateTime: set.producedAt,
    author: device,
    implicated: suggestion.citations.map((reference) => ({ reference })),
    detail: suggestionText(suggestion, set),
    ...(suggestion.guideline ? { reference: suggestion.guideline.url } : {}),
  };
}

/** Any other suggestion as a Communication about the cited resources. */
export function buildCommunication(
  set: SuggestionSet,
  suggestion: Suggestion,
  device: DeviceReference,
): Communication {
  return {
    resourceType: 'Communication',
    meta: meta(set, suggestion),
    identifier: [suggestionIdentifier(set, suggestion)],
    status: 'completed',
    category: [
      { coding: [{ system: 'urn:aloe:suggestion-kind', code: suggestion.kind }], text: suggestion.kind },
    ],
    subject: { reference: set.patient.ref },
    about: suggestion.citations.map((reference) => ({ reference })),
    sent: set.producedAt,
    sender: device,
    payload: [{ contentString: `${suggestion.title}\n${suggestionText(suggestion, set)}` }],
  };
}

/**
 * One Provenance per author of a written set: the model Device (AIAST as reason) for its suggestions,
 * the rules Device for the knowledge suggestions; the cited resources as sources.
 */
export function buildProvenance(
  set: SuggestionSet,
  author: 'model' | 'knowledge',
  targets: Reference[],
  device: DeviceReference,
  sources: string[],
): Provenance {
  return {
    resourceType: 'Provenance',
    meta: { tag: [setTag(set), provenanceTag(set, author)] },
    target: targets,
    recorded: set.producedAt,
    ...(author === 'model' ? { reason: [{ coding: [{ ...AIAST }] }] } : {}),
    activity: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'CREATE' }],
    },
    agent: [
      {
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
              code: 'author',
              display: 'Author',
            },
          ],
        },
        who: device,
      },
    ],
    entity: [...new Set(sources)].map((reference) => ({ role: 'source' as const, what: { reference } })),
  };
}

/** The tag that tells a set's two Provenances apart (the conditional create finds each by it). */
export function provenanceTag(set: SuggestionSet, author: 'model' | 'knowledge') {
  return { system: PROVENANCE_TAG_SYSTEM, code: `${set.setId}/${author}` };
}
