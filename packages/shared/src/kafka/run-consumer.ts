import { SpanKind } from '@opentelemetry/api';
import type { EachMessagePayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError, describeError, ErrorCode } from '../errors/app-error.js';
import { defaultRetryOptions, type RetryOptions, retry } from '../retry/retry.js';
import { Attr } from '../tracing/attributes.js';
import { extractTraceContext } from '../tracing/propagation.js';
import { withSpan } from '../tracing/spans.js';
import { createDeadLetterWriter } from './dead-letter-writer.js';
import { decodeMessage } from './decode-message.js';
import { createRetryHeartbeat } from './group-membership.js';
import { decodeHeaders, Header } from './headers.js';
import type { TypedProducer } from './produce.js';
import {
  type ConsumerHealth,
  type RestartOptions,
  type SupervisedConsumer,
  startSupervisedConsumer,
} from './supervised-consumer.js';
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
  /**
   * When this message's retry life ends (epoch ms; `retry.budgetMs` from its first attempt), or
   * undefined without a budget. Work with its own retries or timeouts (an RPC client) should end by
   * then: no attempt of the handler starts after it, and the message goes to the DLQ.
   */
  deadline: number | undefined;
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
  /**
   * How the handler is retried on retriable failures. With `budgetMs` (the message's whole retry life,
   * from its first attempt) and no `maxAttempts`, the budget alone bounds the retries.
   */
  retry?: Partial<Omit<RetryOptions, 'deadline' | 'signal' | 'onRetry'>>;
  /** How a crashed consumer is brought back (backoff); see startSupervisedConsumer. */
  restart?: Partial<RestartOptions>;
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

export interface RunningConsumer extends SupervisedConsumer {
  /** Resolves once the consumer has joined its group and has partitions to read. */
  readonly joined: Promise<void>;
  /** The partitions of the topic this member owns since the last rebalance. */
  assignment(): number[];
  /** False while it is starting, or crashed and being restarted: for the service's /readyz. */
  isRunning(): boolean;
  health(): ConsumerHealth;
  /** Stops fetching, lets the message in hand finish (or abort), commits, leaves the group. */
  stop(): Promise<void>;
}

/** The retry options of a consumer: a budget without a number of attempts means as many as fit in it. */
export function consumerRetryOptions(given: RunConsumerOptions<z.ZodType>['retry'] = {}): RetryOptions {
  const unbounded = given.budgetMs !== undefined && given.maxAttempts === undefined;
  return {
    ...defaultRetryOptions,
    ...given,
    ...(unbounded ? { maxAttempts: Number.POSITIVE_INFINITY } : {}),
  };
}

/**
 * Consumes one topic with at-least-once semantics:
 * - every message is decoded and validated against the topic's contract; one that fails goes to the
 *   topic's dead-letter topic with the reason in headers, and the consumer carries on;
 * - the handler is retried with backoff while it fails with retriable errors, within `retry.budgetMs`
 *   when given (the handler sees the end as `meta.deadline`); a non-retriable error (bad data, a
 *   programmer error) dead-letters the message at once;
 * - a dead letter always fits the size limit (an oversized one carries an excerpt and a hash);
 * - the offset is committed right after the handler succeeded or the message was dead-lettered; if the
 *   dead-letter write itself fails, the error propagates so the offset stays uncommitted (kafkajs-dlq),
 *   the consumer crashes, and it is restarted with backoff (not ready meanwhile).
 */
export async function runConsumer<S extends z.ZodType>(
  options: RunConsumerOptions<S>,
): Promise<RunningConsumer> {
  const { kafka, contract, groupId, handle, producer } = options;
  const logger = options.logger.child({ component: 'kafka-consumer', topic: contract.name, groupId });
  const retryOptions = consumerRetryOptions(options.retry);
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3_000;
  const stopping = new AbortController();
  const deadLetter = createDeadLetterWriter({
    producer,
    topic: contract.name,
    deadLetterTopic: contract.deadLetter,
    groupId,
    logger,
    now: options.now ?? (() => new Date()),
  });

  // One CONSUMER span per message, the child of the producer's span named in its headers: everything
  // the handler does (its own produces included) stays in the trace that sent the message.
  const processMessage = (payload: EachMessagePayload): Promise<MessageOutcome> => {
    const { topic, partition, message } = payload;
    const headers = decodeHeaders(message.headers);
    return withSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        parent: extractTraceContext(headers),
        attributes: {
          [Attr.MessagingSystem]: 'kafka',
          [Attr.MessagingDestination]: topic,
          [Attr.MessagingOperationType]: 'process',
          [Attr.MessagingOperationName]: 'process',
          [Attr.MessagingConsumerGroup]: groupId,
          [Attr.MessagingPartition]: String(partition),
          [Attr.KafkaOffset]: Number(message.offset),
          ...(message.key ? { [Attr.KafkaMessageKey]: message.key.toString() } : {}),
          ...(headers[Header.CorrelationId]
            ? { [Attr.MessagingConversationId]: headers[Header.CorrelationId] }
            : {}),
        },
      },
      async (span) => {
        const outcome = await handleMessage(payload, headers);
        span.setAttribute(Attr.Outcome, outcome);
        return outcome;
      },
    );
  };

  const handleMessage = async (
    payload: EachMessagePayload,
    headers: Record<string, string>,
  ): Promise<MessageOutcome> => {
    const { topic, partition, message } = payload;
    const decoded = decodeMessage(contract, message.value, headers);
    if (!decoded.ok) {
      await deadLetter(partition, message, { code: decoded.reason, message: decoded.message, attempts: 0 });
      return 'dead-lettered';
    }

    let attempts = 0;
    // KafkaJS heartbeats only when asked: a backoff longer than the session would cost the partition.
    const retryHeartbeat = createRetryHeartbeat(payload.heartbeat);
    let beatsWhileWaiting: NodeJS.Timeout | undefined;
    const stopBeating = () => clearInterval(beatsWhileWaiting);
    try {
      await retry(
        async (attempt, { deadline }) => {
          stopBeating();
          retryHeartbeat.throwIfGroupChanged();
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
            deadline,
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
            await retryHeartbeat.beat();
            retryHeartbeat.throwIfGroupChanged();
            beatsWhileWaiting = setInterval(() => void retryHeartbeat.beat(), heartbeatIntervalMs);
          },
        },
      );
      return attempts > 1 ? 'retried' : 'processed';
    } catch (error) {
      if (stopping.signal.aborted) throw error; // stopping: leave it uncommitted, it comes back
      // The partition is moving: KafkaJS rejoins on this error and the message comes again.
      if (retryHeartbeat.groupChange !== undefined) throw retryHeartbeat.groupChange;
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
      await deadLetter(partition, message, {
        code: exhausted ? ErrorCode.RetriesExhausted : described.code,
        message: exhausted ? exhaustedMessage(error, described) : described.message,
        attempts,
      });
      return 'dead-lettered';
    } finally {
      stopBeating();
    }
  };

  const supervised = await startSupervisedConsumer({
    kafka,
    topic: contract.name,
    fromBeginning: options.fromBeginning ?? true,
    config: {
      groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: heartbeatIntervalMs,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      retry: { retries: 5 },
    },
    run: {
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
    },
    ...(options.restart ? { restart: options.restart } : {}),
    logger,
  });
  logger.info('consumer running');

  return {
    get consumer() {
      return supervised.consumer;
    },
    joined: supervised.joined,
    assignment: supervised.assignment,
    isRunning: supervised.isRunning,
    health: supervised.health,
    async stop() {
      stopping.abort(new AppError(ErrorCode.Cancelled, 'The consumer is stopping'));
      await supervised.stop();
      logger.info('consumer stopped');
    },
  };
}

/** `UNAVAILABLE: …`, after what ran out: the attempts, or the retry budget (with its size). */
export function exhaustedMessage(error: AppError, last: { code: string; message: string }): string {
  const { budgetMs, spentMs } = error.details;
  const spent = typeof budgetMs === 'number' ? `retry budget of ${budgetMs} ms spent (${spentMs} ms); ` : '';
  return `${spent}${last.code}: ${last.message}`;
}
