import { createHash } from 'node:crypto';
import type { Suggestion, SuggestionSet } from '@aloe/shared/schemas';
import type { Communication, DetectedIssue, Device, Provenance, Reference } from '@medplum/fhirtypes';

type DeviceReference = Reference<Device>;

import {
  AIAST,
  MODEL_IDENTIFIER_SYSTEM,
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

const meta = (set: SuggestionSet) => ({
  security: [{ ...AIAST }],
  tag: [{ system: SUGGESTION_SET_TAG_SYSTEM, code: set.setId, display: 'Aloe suggestion set' }],
});

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

const SEVERITY: Record<NonNullable<Suggestion['severity']>, DetectedIssue['severity']> = {
  high: 'high',
  moderate: 'moderate',
  low: 'low',
};

function suggestionText(suggestion: Suggestion, set: SuggestionSet): string {
  const guardrail =
    suggestion.verdict === 'warn'
      ? `Guardrail warning: ${suggestion.reasons.map((r) => r.ruleId).join(', ')}. `
      : '';
  return `${suggestion.text}${suggestion.rationale ? `\nWhy: ${suggestion.rationale}` : ''}\n${guardrail}${set.disclaimer}`;
}

/** A medication-safety finding as a preliminary DetectedIssue implicating the cited resources. */
export function buildDetectedIssue(
  set: SuggestionSet,
  suggestion: Suggestion,
  device: DeviceReference,
): DetectedIssue {
  return {
    resourceType: 'DetectedIssue',
    meta: meta(set),
    identifier: [suggestionIdentifier(set, suggestion)],
    status: 'preliminary',
    code: { text: suggestion.title },
    severity: SEVERITY[suggestion.severity ?? 'moderate'],
    patient: { reference: set.patient.ref },
    identifiedDateTime: set.producedAt,
    author: device,
    implicated: suggestion.citations.map((reference) => ({ reference })),
    detail: suggestionText(suggestion, set),
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
    meta: meta(set),
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

/** One Provenance per written set: the model Device as author, the cited resources as sources, AIAST as reason. */
export function buildProvenance(
  set: SuggestionSet,
  targets: Reference[],
  device: DeviceReference,
  sources: string[],
): Provenance {
  return {
    resourceType: 'Provenance',
    meta: { tag: meta(set).tag },
    target: targets,
    recorded: set.producedAt,
    reason: [{ coding: [{ ...AIAST }] }],
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
