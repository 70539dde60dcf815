import { buildHeaders, Header, type Topics } from '@aloe/shared/kafka';
import type { PatientContext } from '@aloe/shared/schemas';
import type { Message } from 'kafkajs';

/** The header that names a poison message; dead-lettering keeps the original headers. */
export const POISON_HEADER = 'chaos-poison';

export interface Poison {
  /** Unique per message: the DLQ copy is recognised by it (and by its key). */
  label: string;
  topic: string;
  /** The dlq-reason the consumer must give it. */
  expectedReason: string;
  message: Message;
}

const headersOf = (label: string, schemaVersion: string) => ({
  ...buildHeaders({ schemaVersion }),
  [POISON_HEADER]: label,
});

/**
 * Messages no consumer can process, one of each kind, for the patient-context topic: not JSON, JSON
 * outside the contract, an empty value, a major schema version the consumer does not read, and a valid
 * context whose id was already decided for another patient (`reusedContextId`, for `otherPatient`).
 * Each must reach `<topic>.dlq` once, with its reason, and nothing else of the run may.
 */
export function patientContextPoison(
  topics: Topics,
  options: {
    reusedContextId: string;
    otherPatient: { ref: string; pseudonym: string };
    fhirBase: string;
    now: Date;
  },
): Poison[] {
  const topic = topics.patientContext.name;
  const version = topics.patientContext.schemaVersion;
  const reused: PatientContext = {
    contextId: options.reusedContextId,
    trigger: { kind: 'api' },
    patient: { ref: options.otherPatient.ref, pseudonym: options.otherPatient.pseudonym, sex: 'unknown' },
    fhirBase: options.fhirBase,
    capturedAt: options.now.toISOString(),
    items: [],
    tasks: ['medication-safety'],
  };
  const poison = (
    label: string,
    expectedReason: string,
    key: string,
    value: string | null,
    schemaVersion = version,
  ): Poison => ({
    label,
    topic,
    expectedReason,
    message: { key, value, headers: headersOf(label, schemaVersion) },
  });
  return [
    poison('invalid-json', 'MALFORMED_JSON', 'poison-invalid-json', '{"contextId": "not closed'),
    poison(
      'schema-invalid',
      'SCHEMA_INVALID',
      'poison-schema-invalid',
      JSON.stringify({ contextId: 'not-a-uuid', patient: { ref: 'Patient/x' }, items: 'none' }),
    ),
    poison('empty-value', 'EMPTY_MESSAGE', 'poison-empty-value', null),
    poison(
      'unknown-major-version',
      'SCHEMA_VERSION_UNSUPPORTED',
      'poison-unknown-major-version',
      JSON.stringify(reused),
      '2.0',
    ),
    poison('context-id-reused', 'CONTEXT_INVALID', options.otherPatient.pseudonym, JSON.stringify(reused)),
  ];
}

/** One message the fhir-adapter's suggestions consumer cannot process: JSON outside the set contract. */
export function suggestionsPoison(topics: Topics): Poison {
  const label = 'suggestion-set-invalid';
  return {
    label,
    topic: topics.suggestions.name,
    expectedReason: 'SCHEMA_INVALID',
    message: {
      key: 'poison-suggestion-set-invalid',
      value: JSON.stringify({ setId: 'not-a-uuid', suggestions: [{ verdict: 'maybe' }] }),
      headers: headersOf(label, topics.suggestions.schemaVersion),
    },
  };
}

/** The dlq-reason header of a dead-lettered copy. */
export const DEAD_LETTER_REASON = Header.DeadLetterReason;
