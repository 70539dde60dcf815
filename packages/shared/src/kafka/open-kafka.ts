import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Shutdown } from '../shutdown/shutdown.js';
import { createKafka, type KafkaConnectionOptions } from './create-kafka.js';
import { type EnsureTopicsOptions, ensureTopics } from './ensure-topics.js';
import { createTypedProducer, type TypedProducer } from './produce.js';
import type { TopicContract } from './topics.js';

/**
 * The Kafka part of a service's main.ts: a client, the topics it uses (and their dead-letter twins)
 * created when missing, and a connected producer closed at shutdown. One size limit for both: the
 * producer refuses what the topics (and the broker, infra/kafka) would.
 */
export async function openKafka(options: {
  settings: KafkaConnectionOptions & { topics: EnsureTopicsOptions; maxMessageBytes?: number };
  topics: ReadonlyArray<Pick<TopicContract, 'name' | 'deadLetter'>>;
  logger: Logger;
  shutdown: Pick<Shutdown, 'onShutdown'>;
}): Promise<{ kafka: Kafka; producer: TypedProducer }> {
  const kafka = createKafka(options.settings, options.logger);
  const { maxMessageBytes } = options.settings;
  await ensureTopics(kafka, options.topics, { ...options.settings.topics, maxMessageBytes });
  const producer = createTypedProducer(kafka, { maxMessageBytes });
  await producer.connect();
  options.shutdown.onShutdown('Kafka producer', () => producer.disconnect());
  return { kafka, producer };
}
