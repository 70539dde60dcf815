import type { Kafka } from 'kafkajs';
import type { TopicContract } from './topics.js';

export interface EnsureTopicsOptions {
  numPartitions?: number;
  replicationFactor?: number;
  /** The topics' `max.message.bytes` (KAFKA_MAX_MESSAGE_BYTES); unset = the broker's `message.max.bytes`. */
  maxMessageBytes?: number;
}

/**
 * Creates each topic and its dead-letter twin when missing (harmless when they exist). The brokers
 * we run have auto-creation off, so a typo in a topic name fails loudly instead of making a new topic.
 * Topics that exist keep their settings.
 */
export async function ensureTopics(
  kafka: Kafka,
  contracts: ReadonlyArray<Pick<TopicContract, 'name' | 'deadLetter'>>,
  options: EnsureTopicsOptions = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = contracts.flatMap((contract) => [contract.name, contract.deadLetter]);
    const missing = [...new Set(wanted)].filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: options.numPartitions ?? 3,
        replicationFactor: options.replicationFactor ?? 1,
        ...(options.maxMessageBytes === undefined
          ? {}
          : { configEntries: [{ name: 'max.message.bytes', value: String(options.maxMessageBytes) }] }),
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
