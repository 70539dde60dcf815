import { Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafkaLogCreator, toKafkaLogLevel } from '../logging/kafkajs-log-creator.js';
import { fixKafkaRequestQueue } from './request-queue-fix.js';

export interface KafkaConnectionOptions {
  brokers: readonly string[];
  clientId: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** How often KafkaJS retries a failed request (default 8, about a minute of backoff). */
  retries?: number;
}

/** A KafkaJS client whose logs go to our logger (and without KafkaJS's idle wake-up loop). */
export function createKafka(options: KafkaConnectionOptions, logger: Logger): Kafka {
  fixKafkaRequestQueue();
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: toKafkaLogLevel(logger.level),
    logCreator: createKafkaLogCreator(logger),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { initialRetryTime: 100, retries: options.retries ?? 8 },
  };
  if (options.ssl) config.ssl = true;
  if (options.sasl) config.sasl = { ...options.sasl } as SASLOptions;
  return new Kafka(config);
}
