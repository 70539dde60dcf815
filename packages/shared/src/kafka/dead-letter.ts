import type { KafkaMessage, Message } from 'kafkajs';
import { Header } from './headers.js';

export interface DeadLetterReason {
  /** A stable code: SCHEMA_INVALID, MALFORMED_JSON, RETRIES_EXHAUSTED, or the handler's AppError code. */
  code: string;
  /** A PHI-free explanation (paths and rules, never values). */
  message: string;
  attempts: number;
}

/**
 * The dead-letter copy of a message: the original key, value and headers, plus where it came from and
 * why it failed (Nevon/kafkajs-dlq's shape). Pure.
 */
export function buildDeadLetter(
  original: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset'>,
  source: { topic: string; partition: number; groupId: string },
  reason: DeadLetterReason,
  now: Date,
): Message {
  return {
    key: original.key,
    value: original.value,
    headers: {
      ...original.headers,
      [Header.DeadLetterReason]: reason.code,
      [Header.DeadLetterMessage]: reason.message.slice(0, 1_000),
      [Header.DeadLetterTopic]: source.topic,
      [Header.DeadLetterPartition]: String(source.partition),
      [Header.DeadLetterOffset]: original.offset,
      [Header.DeadLetterGroup]: source.groupId,
      [Header.DeadLetterAttempts]: String(reason.attempts),
      [Header.DeadLetterAt]: now.toISOString(),
    },
  };
}
