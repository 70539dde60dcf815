import { type Link, SpanKind } from '@opentelemetry/api';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import { AppError, describeError, ErrorCode } from '../errors/app-error.js';
import { retry } from '../retry/retry.js';
import { Attr } from '../tracing/attributes.js';
import { extractTraceContext, spanContextOf } from '../tracing/propagation.js';
import { withSpan } from '../tracing/spans.js';
import type { DeadLetterReason } from './dead-letter.js';
import { createDeadLetterWriter } from './dead-letter-writer.js';
import { decodeMessage } from './decode-message.js';
import { createRetryHeartbeat } from './group-membership.js';
import { decodeHeaders, Header } from './headers.js';
import {
  consumerRetryOptions,
  exhaustedMessage,
  type MessageOutcome,
  type RunConsumerOptions,
  type RunningConsumer,
} from './run-consumer.js';
import { startSupervisedConsumer } from './supervised-consumer.js';

/** One valid message of a batch: its value and where it came from. */
export interface BatchItem<T> {
  value: T;
  partition: number;
  offset: string;
  key: string | null;
  correlationId: string | undefined;
}

/** What a batch handler knows besides the items. */
export interface BatchContext {
  /** Attempt number for these items, from 1. */
  attempt: number;
  /** When these items' retry life ends (epoch ms; `retry.budgetMs` from the first attempt), or undefined. */
  deadline: number | undefined;
  heartbeat: () => Promise<void>;
  /** Aborts when the consumer is stopping: the batch is left uncommitted and comes again. */
  signal: AbortSignal;
}

export interface RunBatchConsumerOptions<S extends z.ZodType>
  extends Omit<RunConsumerOptions<S>, 'handle' | 'onOutcome' | 'maxWaitTimeMs'> {
  /**
   * Handles up to `maxBatchSize` valid messages at once; resolves once all of them are durably done.
   * A retriable failure retries the same items with backoff; a non-retriable one is isolated by halving
   * the items until the message that fails alone is found and dead-lettered (kafkajs-dlq, per batch).
   */
  handleBatch: (items: ReadonlyArray<BatchItem<z.output<S>>>, context: BatchContext) => Promise<void>;
  /** The most messages one handleBatch call gets (a fetched batch is cut into chunks of this size). */
  maxBatchSize: number;
  /**
   * The linger: how long the broker may hold a fetch until `minBytes` of messages are there. Small
   * batches wait up to this long; under load a fetch returns as soon as `minBytes` arrived.
   */
  maxWaitTimeMs?: number;
  /** Bytes of messages the broker waits for before answering a fetch (default 1: no waiting). */
  minBytes?: number;
  /** Called once per message with its outcome, for metrics. */
  onOutcome?: (outcome: MessageOutcome, info: { topic: string; reason?: string; durationMs: number }) => void;
  /** Called after each failed handleBatch call, for metrics: retried, or given up (isolated, dead-lettered). */
  onAttemptFailed?: (info: { size: number; attempt: number; error: unknown; willRetry: boolean }) => void;
}

interface Entry<T> {
  message: KafkaMessage;
  item?: BatchItem<T>;
  /** Why the message could not be decoded, when it could not. */
  invalid?: DeadLetterReason;
}

/**
 * Consumes one topic in batches with at-least-once semantics (KafkaJS `eachBatch`): each fetched batch
 * of a partition is decoded, cut into chunks of at most `maxBatchSize`, and each chunk's valid messages
 * are handed to `handleBatch` at once; a chunk's offsets are committed only after the handler resolved
 * (or its messages were dead-lettered). Undecodable messages and messages that fail on their own go to
 * the topic's DLQ with the reason; retriable failures are retried with backoff, then either
 * dead-lettered or (`onRetriesExhausted: 'redeliver'`) left uncommitted, so the batch comes again.
 */
export async function runBatchConsumer<S extends z.ZodType>(
  options: RunBatchConsumerOptions<S>,
): Promise<RunningConsumer> {
  const { kafka, contract, groupId, producer, handleBatch } = options;
  if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1)
    throw new TypeError(`maxBatchSize must be a whole number of at least 1, not ${options.maxBatchSize}`);
  const logger = options.logger.child({ component: 'kafka-batch-consumer', topic: contract.name, groupId });
  const retryOptions = consumerRetryOptions(options.retry);
  const stopping = new AbortController();
  const deadLetter = createDeadLetterWriter({
    producer,
    topic: contract.name,
    deadLetterTopic: contract.deadLetter,
    groupId,
    logger,
    now: options.now ?? (() => new Date()),
  });

  const decode = (partition: number, message: KafkaMessage): Entry<z.output<S>> => {
    const headers = decodeHeaders(message.headers);
    const decoded = decodeMessage(contract, message.value, headers);
    if (!decoded.ok)
      return { message, invalid: { code: decoded.reason, message: decoded.message, attempts: 0 } };
    return {
      message,
      item: {
        value: decoded.value,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        correlationId: headers[Header.CorrelationId],
      },
    };
  };

  /** Handles the entries' items; resolves once each is handled or dead-lettered. */
  const deliver = async (
    payload: EachBatchPayload,
    entries: ReadonlyArray<Entry<z.output<S>>>,
    startedAt: number,
  ): Promise<void> => {
    const items = entries.map((entry) => entry.item!);
    if (items.length === 0) return;
    const report = (outcome: MessageOutcome, reason?: string) => {
      const durationMs = performance.now() - startedAt;
      for (let i = 0; i < items.length; i++)
        options.onOutcome?.(outcome, { topic: contract.name, durationMs, ...(reason ? { reason } : {}) });
    };
    let attempts = 0;
    const retryHeartbeat = createRetryHeartbeat(payload.heartbeat);
    try {
      await retry(
        async (attempt, { deadline }) => {
          retryHeartbeat.throwIfGroupChanged();
          attempts = attempt;
          await handleBatch(items, {
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
              {
                partition: payload.batch.partition,
                size: items.length,
                attempt,
                delayMs,
                failure: describeError(error),
              },
              'batch handler failed; retrying',
            );
            options.onAttemptFailed?.({ size: items.length, attempt, error, willRetry: true });
            await retryHeartbeat.beat();
            retryHeartbeat.throwIfGroupChanged();
          },
        },
      );
      report(attempts > 1 ? 'retried' : 'processed');
    } catch (error) {
      if (stopping.signal.aborted) throw error; // stopping: left uncommitted, it comes back
      // The partition is moving: KafkaJS rejoins on this error and the batch comes again.
      if (retryHeartbeat.groupChange !== undefined) throw retryHeartbeat.groupChange;
      options.onAttemptFailed?.({ size: items.length, attempt: attempts, error, willRetry: false });
      const exhausted = error instanceof AppError && error.code === ErrorCode.RetriesExhausted;
      if (exhausted) {
        if (options.onRetriesExhausted === 'redeliver') throw error;
        const message = exhaustedMessage(error, describeError(error.cause ?? error));
        for (const entry of entries)
          await deadLetter(payload.batch.partition, entry.message, {
            code: ErrorCode.RetriesExhausted,
            message,
            attempts,
          });
        report('dead-lettered', ErrorCode.RetriesExhausted);
        return;
      }
      // Not retriable: one message (or more) cannot be handled. Halve until the culprit stands alone.
      if (entries.length > 1) {
        const half = Math.ceil(entries.length / 2);
        await deliver(payload, entries.slice(0, half), startedAt);
        await deliver(payload, entries.slice(half), startedAt);
        return;
      }
      if (!(error instanceof AppError))
        logger.error(
          { err: error, offset: items[0]!.offset },
          'batch handler failed with an unexpected error',
        );
      const described = describeError(error);
      await deadLetter(payload.batch.partition, entries[0]!.message, {
        code: described.code,
        message: described.message,
        attempts,
      });
      report('dead-lettered', described.code);
    }
  };

  const supervised = await startSupervisedConsumer({
    kafka,
    topic: contract.name,
    fromBeginning: options.fromBeginning ?? true,
    config: {
      groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      minBytes: options.minBytes ?? 1,
      retry: { retries: 5 },
    },
    ...(options.restart ? { restart: options.restart } : {}),
    logger,
    run: {
      autoCommit: true,
      autoCommitThreshold: 1,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        for (let start = 0; start < batch.messages.length; start += options.maxBatchSize) {
          if (!payload.isRunning() || payload.isStale()) return;
          const startedAt = performance.now();
          const messages = batch.messages.slice(start, start + options.maxBatchSize);
          const chunk = messages.map((message) => decode(batch.partition, message));
          // One CONSUMER span per chunk; its messages came from many traces, so they are links, not parents.
          await withSpan(
            `process ${contract.name}`,
            {
              kind: SpanKind.CONSUMER,
              links: traceLinksOf(messages),
              attributes: {
                [Attr.MessagingSystem]: 'kafka',
                [Attr.MessagingDestination]: contract.name,
                [Attr.MessagingOperationType]: 'process',
                [Attr.MessagingOperationName]: 'process',
                [Attr.MessagingConsumerGroup]: groupId,
                [Attr.MessagingPartition]: String(batch.partition),
                [Attr.MessagingBatchCount]: messages.length,
              },
            },
            async () => {
              for (const entry of chunk) {
                if (!entry.invalid) continue;
                await deadLetter(batch.partition, entry.message, entry.invalid);
                options.onOutcome?.('dead-lettered', {
                  topic: contract.name,
                  reason: entry.invalid.code,
                  durationMs: performance.now() - startedAt,
                });
              }
              await deliver(
                payload,
                chunk.filter((entry) => entry.item),
                startedAt,
              );
            },
          );
          // The chunk is done (handled or dead-lettered): commit it before the next one.
          payload.resolveOffset(chunk[chunk.length - 1]!.message.offset);
          await payload.commitOffsetsIfNecessary();
          await payload.heartbeat();
        }
      },
    },
  });
  logger.info({ maxBatchSize: options.maxBatchSize }, 'batch consumer running');

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
      logger.info('batch consumer stopped');
    },
  };
}

/** Links to the traces that sent these messages (those whose headers name one). */
function traceLinksOf(messages: readonly KafkaMessage[]): Link[] {
  return messages.flatMap((message) => {
    const spanContext = spanContextOf(extractTraceContext(decodeHeaders(message.headers)));
    return spanContext ? [{ context: spanContext }] : [];
  });
}
