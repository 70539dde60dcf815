import {
  type RunningConsumer,
  runBatchConsumer,
  type TopicContract,
  type TypedProducer,
} from '@aloe/shared/kafka';
import type { Logger } from '@aloe/shared/logging';
import type { RetryOptions } from '@aloe/shared/retry';
import type { AuditEvent } from '@aloe/shared/schemas';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import type { FhirClient } from '../ehr/fhir-client.js';
import { submitTransaction } from '../ehr/submit-transaction.js';
import { writeAuditEvents } from '../flows/write-audit-events.js';
import { createFhirAuditMetrics } from './audit-metrics.js';

export interface FhirAuditSinkOptions {
  kafka: Kafka;
  /** aloe.audit.v1 (with the deployment's topic prefix). */
  contract: TopicContract<z.ZodType<AuditEvent>>;
  groupId: string;
  /** Writes dead letters; the caller owns it. */
  producer: TypedProducer;
  /** The FHIR server that keeps the AuditEvents, with a fresh token each time. */
  client: () => Promise<FhirClient>;
  registry: Registry;
  batch: { maxEvents: number; lingerMs: number; minBytes: number };
  retry: RetryOptions;
  /** KAFKA_SESSION_TIMEOUT_MS and KAFKA_HEARTBEAT_INTERVAL_MS. */
  session?: { sessionTimeoutMs: number; heartbeatIntervalMs: number };
  logger: Logger;
  now: () => Date;
}

/**
 * The adapter's second consumer group on aloe.audit.v1: every event, from every service, becomes a FHIR
 * R4 AuditEvent on the EHR (or an audit repository), in batches of conditional creates, off the hot
 * path (a CDS Hooks answer or a write-back only produced the event). A batch is committed only once
 * the server accepted it; while the server fails it is retried with backoff and then fetched again
 * (never dropped); an event that cannot be written on its own goes to aloe.audit.v1.dlq with the reason.
 */
export function runFhirAuditSink(options: FhirAuditSinkOptions): Promise<RunningConsumer> {
  const metrics = createFhirAuditMetrics(options.registry);
  const logger = options.logger.child({ component: 'fhir-audit-sink' });
  return runBatchConsumer({
    kafka: options.kafka,
    contract: options.contract,
    groupId: options.groupId,
    producer: options.producer,
    logger,
    maxBatchSize: options.batch.maxEvents,
    maxWaitTimeMs: options.batch.lingerMs,
    minBytes: options.batch.minBytes,
    retry: options.retry,
    ...options.session,
    onRetriesExhausted: 'redeliver',
    onAttemptFailed: ({ size, willRetry }) => metrics.failed({ events: size, willRetry }),
    onOutcome: (outcome) => {
      if (outcome === 'dead-lettered') metrics.deadLettered(1);
    },
    handleBatch: async (items) => {
      const client = await options.client();
      await writeAuditEvents(
        items.map((item) => item.value),
        {
          submit: (bundle) => submitTransaction(client, bundle, 'the AuditEvent transaction'),
          metrics,
          logger,
          now: options.now,
        },
      );
    },
  });
}
