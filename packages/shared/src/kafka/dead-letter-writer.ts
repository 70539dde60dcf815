import type { KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { buildDeadLetter, type DeadLetterReason } from './dead-letter.js';
import { MessageTooLargeError, type TypedProducer } from './produce.js';

// What a letter shrinks to when the broker refuses one within KAFKA_MAX_MESSAGE_BYTES (its own limit
// is lower): no value, no original headers; only where the message is and why it failed.
const LAST_RESORT_LETTER_BYTES = 4_096;

/** Writes a consumer's dead letters: always within the size limit, so a poison message never stops it. */
export function createDeadLetterWriter(options: {
  producer: TypedProducer;
  /** The consumed topic and its dead-letter topic. */
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  logger: Logger;
  now: () => Date;
}) {
  const { producer, topic, deadLetterTopic, groupId, logger } = options;
  return async (partition: number, message: KafkaMessage, reason: DeadLetterReason): Promise<void> => {
    const source = { topic, partition, groupId };
    let letter = buildDeadLetter(message, source, reason, options.now(), {
      maxMessageBytes: producer.maxMessageBytes,
    });
    try {
      await producer.sendRaw(deadLetterTopic, [letter.message], { compression: letter.compression });
    } catch (error) {
      if (!isMessageTooLarge(error)) throw error;
      logger.error(
        { partition, offset: message.offset, maxMessageBytes: producer.maxMessageBytes },
        `the broker refused a dead letter within KAFKA_MAX_MESSAGE_BYTES: its message.max.bytes or ${deadLetterTopic}'s max.message.bytes is lower; sending the letter without the value`,
      );
      letter = buildDeadLetter(message, source, reason, options.now(), {
        maxMessageBytes: LAST_RESORT_LETTER_BYTES,
        excerptBytes: 0,
      });
      await producer.sendRaw(deadLetterTopic, [letter.message]);
    }
    logger.warn(
      {
        partition,
        offset: message.offset,
        reason: reason.code,
        detail: reason.message,
        ...(letter.truncated.length > 0 ? { truncated: letter.truncated } : {}),
      },
      'message dead-lettered',
    );
  };
}

/** A size refusal, ours or the broker's (KafkaJS wraps the broker's in `cause`s). */
export function isMessageTooLarge(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 10; depth++) {
    if (cause instanceof MessageTooLargeError) return true;
    const type = (cause as { type?: unknown }).type;
    if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
