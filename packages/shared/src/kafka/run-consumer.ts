import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError, describeError, ErrorCode } from '../errors/app-error.js';
import { defaultRetryOptions, type RetryOptions, retry } from '../retry/retry.js';
import { buildDeadLetter, type DeadLetterReason } from './dead-letter.js';
import { decodeMessage } from './decode-message.js';
import { trackGroupJoin } from './group-join.js';
import { decodeHeaders, Header } from './headers.js';
import type { TypedProducer } from './produce.js';
import type { TopicContract } from './topics.js';

/** What a handler knows about the message besides its validated value. */
export interface MessageMeta {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Readonly<Record<string, string>>;
  correlationId: string | undefined;
  traceparent: string | undefined;
  /** Attempt number, from 1; above 1 the handler is being retried. */
  attempt: number;
  /** Keeps the group membership alive during long work (call it at least every sessionTimeout / 3). */
  heartbeat: () => Promise<void>;
  /** Aborts when the consumer is stopping: long work should give up, and will be redelivered. */
  signal: AbortSignal;
}

export type MessageOutcome = 'processed' | 'dead-lettered' | 'retried';

export interface RunConsumerOptions<S extends z.ZodType> {
  kafka: Kafka;
  contract: TopicContract<S>;
  groupId: string;
  handle: (value: z.output<S>, meta: MessageMeta) => Promise<void>;
  /** Used to write dead letters; the caller owns (connects and disconnects) it. */
  producer: TypedProducer;
  logger: Logger;
  retry?: Partial<RetryOptions>;
  /**
   * When a retriable failure outlasts every retry: `dead-letter` (default: nothing is lost, the partition
   * moves on) or `redeliver` (throw, so KafkaJS restarts the consumer and the message comes again).
   */
  onRetriesExhausted?: 'dead-letter' | 'redeliver';
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long a fetch waits for new messages; also bounds how long stop() waits for an idle fetch. */
  maxWaitTimeMs?: number;
  /** Start from the earliest offset when the group has none committed (default true). */
  fromBeginning?: boolean;
  /** Called once per message with its outcome, for metrics. */
  onOutcome?: (outcome: MessageOutcome, info: { topic: string; reason?: string; durationMs: number }) => void;
  now?: () => Date;
}

export interface RunningConsumer {
  readonly consumer: Consumer;
  /** Resolves once the consumer has joined its group and has partitions to read. */
  readonly joined: Promise<void>;
  /** The partitions of the topic this member owns since the last rebalance. */
  assignment(): number[];
  /** Stops fetching, lets the message in hand finish (or abort), commits, leaves the group. */
  stop(): Promise<void>;
}

/**
 * Consumes one topic with at-least-once semantics:
 * - every message is decoded and validated against the topic's contract; one that fails goes to the
 *   topic's dead-letter topic with the reason in headers, and the consumer carries on;
 * - the handler is retried with backoff while it fails with retriable errors; a non-retriable error
 *   (bad data, a programmer error) dead-letters the message at once;
 * - the offset is committed right after the handler succeeded or the message was dead-lettered; if the
 *   dead-letter write itself fails, the error propagates so the offset stays uncommitted (kafkajs-dlq).
 */
export async function runConsumer<S extends z.ZodType>(
  options: RunConsumerOptions<S>,
): Promise<RunningConsumer> {
  const { kafka, contract, groupId, handle, producer } = options;
  const logger = options.logger.child({ component: 'kafka-consumer', topic: contract.name, groupId });
  const retryOptions: RetryOptions = { ...defaultRetryOptions, ...options.retry };
  const now = options.now ?? (() => new Date());
  const stopping = new AbortController();

  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
    retry: { retries: 5 },
  });

  const membership = trackGroupJoin(consumer, contract.name, logger);

  const deadLetter = async (payload: EachMessagePayload, reason: DeadLetterReason) => {
    const letter = buildDeadLetter(
      payload.message,
      { topic: payload.topic, partition: payload.partition, groupId },
      reason,
      now(),
    );
    await producer.sendRaw(contract.deadLetter, [letter]);
    logger.warn(
      {
        partition: payload.partition,
        offset: payload.message.offset,
        reason: reason.code,
        detail: reason.message,
      },
      'message dead-lettered',
    );
  };

  const processMessage = async (payload: EachMessagePayload): Promise<MessageOutcome> => {
    const { topic, partition, message } = payload;
    const headers = decodeHeaders(message.headers);
    const decoded = decodeMessage(contract, message.value, headers);
    if (!decoded.ok) {
      await deadLetter(payload, { code: decoded.reason, message: decoded.message, attempts: 0 });
      return 'dead-lettered';
    }

    let attempts = 0;
    try {
      await retry(
        async (attempt) => {
          attempts = attempt;
          await handle(decoded.value, {
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            headers,
            correlationId: headers[Header.CorrelationId],
            traceparent: headers[Header.TraceParent],
            attempt,
            heartbeat: payload.heartbeat,
            signal: stopping.signal,
          });
        },
        {
          ...retryOptions,
          signal: stopping.signal,
          onRetry: async ({ attempt, delayMs, error }) => {
            logger.warn(
              { partition, offset: message.offset, attempt, delayMs, failure: describeError(error) },
              'handler failed; retrying',
            );
            await payload.heartbeat();
          },
        },
      );
      return attempts > 1 ? 'retried' : 'processed';
    } catch (error) {
      if (stopping.signal.aborted) throw error; // stopping: leave it uncommitted, it comes back
      const exhausted = error instanceof AppError && error.code === ErrorCode.RetriesExhausted;
      if (exhausted && options.onRetriesExhausted === 'redeliver') throw error;
      const cause = exhausted ? (error.cause ?? error) : error;
      if (!(cause instanceof AppError)) {
        logger.error(
          { err: cause, partition, offset: message.offset },
          'handler failed with an unexpected error',
        );
      }
      const described = describeError(cause);
      await deadLetter(payload, {
        code: exhausted ? ErrorCode.RetriesExhausted : described.code,
        message: exhausted ? `${described.code}: ${described.message}` : described.message,
        attempts,
      });
      return 'dead-lettered';
    }
  };

  await consumer.connect();
  await consumer.subscribe({ topic: contract.name, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    // KafkaJS resolves a message's offset only after eachMessage resolved, and with a threshold of 1
    // commits it right then, even while stopping (its manual commitOffsets is a no-op once stop began,
    // which would make a graceful shutdown redeliver the message in hand).
    autoCommit: true,
    autoCommitThreshold: 1,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachMessage: async (payload) => {
      const startedAt = performance.now();
      const outcome = await processMessage(payload);
      options.onOutcome?.(outcome, { topic: payload.topic, durationMs: performance.now() - startedAt });
    },
  });
  logger.info('consumer running');

  return {
    consumer,
    joined: membership.joined,
    assignment: membership.assignment,
    async stop() {
      stopping.abort(new AppError(ErrorCode.Cancelled, 'The consumer is stopping'));
      await consumer.disconnect();
      logger.info('consumer stopped');
    },
  };
}
