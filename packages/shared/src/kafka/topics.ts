import type { z } from 'zod';
import { AuditEvent } from '../schemas/audit-event.js';
import { Feedback } from '../schemas/feedback.js';
import { PatientContext } from '../schemas/patient-context.js';
import { SuggestionSet } from '../schemas/suggestion-set.js';

/**
 * A topic and the contract of its messages. The topic name carries the breaking version (`.v1`);
 * `schemaVersion` (major.minor, sent in the `schema-version` header) lets a consumer accept
 * additive minor changes and dead-letter a major it does not know.
 */
export interface TopicContract<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly schema: S;
  readonly schemaVersion: `${number}.${number}`;
  /** The dead-letter topic for messages this topic's consumers cannot process. */
  readonly deadLetter: string;
}

export function defineTopic<S extends z.ZodType>(
  name: string,
  schema: S,
  schemaVersion: `${number}.${number}`,
): TopicContract<S> {
  return Object.freeze({ name, schema, schemaVersion, deadLetter: deadLetterTopicOf(name) });
}

/** `<topic>.dlq` (docs/architecture.md#kafka-topics-and-headers). */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** Every topic of the system. Keys are patient pseudonyms, so one patient's messages stay in order. */
export const Topics = {
  patientContext: defineTopic('aloe.patient-context.v1', PatientContext, '1.0'),
  suggestions: defineTopic('aloe.suggestions.v1', SuggestionSet, '1.0'),
  feedback: defineTopic('aloe.feedback.v1', Feedback, '1.0'),
  audit: defineTopic('aloe.audit.v1', AuditEvent, '1.1'),
} as const;
export type Topics = typeof Topics;

/**
 * The same topics under a namespace prefix (`KAFKA_TOPIC_PREFIX`, e.g. `staging.`), for clusters that
 * several environments share and for tests that run the real services beside a developer's data.
 * The empty prefix gives `Topics` itself.
 */
export function topicsWithPrefix(prefix: string): Topics {
  if (!prefix) return Topics;
  const prefixed = <S extends z.ZodType>(topic: TopicContract<S>) =>
    defineTopic(`${prefix}${topic.name}`, topic.schema, topic.schemaVersion);
  return {
    patientContext: prefixed(Topics.patientContext),
    suggestions: prefixed(Topics.suggestions),
    feedback: prefixed(Topics.feedback),
    audit: prefixed(Topics.audit),
  };
}
