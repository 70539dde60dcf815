import type { Kafka } from 'kafkajs';
import type { TopicContract } from './topics.js';

export interface EnsureTopicsOptions {
  numPartitions?: number;
  replicationFactor?: number;
}

/**
 * Creates each topic and its dead-letter twin when missing (harmless when they exist). The brokers
 * we run have auto-creation off, so a typo in a topic name fails loudly instead of making a new topic.
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
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
