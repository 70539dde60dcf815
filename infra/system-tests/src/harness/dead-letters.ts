import { randomUUID } from 'node:crypto';
import { decodeHeaders } from '@aloe/shared/kafka';
import { waitFor } from '@aloe/shared/testing';
import type { Kafka } from 'kafkajs';

export interface DeadLetter {
  topic: string;
  key: string | null;
  headers: Record<string, string>;
}

/** How many messages a topic holds (the sum of its partitions' high watermarks; nothing is compacted). */
export async function messageCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Every message of a dead-letter topic, read from the beginning by a group of its own. */
export async function readDeadLetters(kafka: Kafka, topic: string): Promise<DeadLetter[]> {
  const expected = await messageCount(kafka, topic);
  if (expected === 0) return [];
  const letters: DeadLetter[] = [];
  const consumer = kafka.consumer({ groupId: `chaos-dlq-reader-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        letters.push({
          topic,
          key: message.key?.toString() ?? null,
          headers: decodeHeaders(message.headers),
        });
      },
    });
    await waitFor(() => letters.length >= expected, {
      what: `the ${expected} messages of ${topic}`,
      timeoutMs: 30_000,
    });
  } finally {
    await consumer.disconnect();
  }
  return letters;
}
