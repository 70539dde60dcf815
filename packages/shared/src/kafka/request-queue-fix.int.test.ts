// KafkaJS's idle wake-up loop (request-queue-fix.ts), against the real broker (jest's globalSetup).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Kafka, Producer } from 'kafkajs';
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js';
import { createLogger } from '../logging/logger.js';
import { testKafkaBrokers } from '../testing/kafka.js';
import { uniqueName } from '../testing/unique-name.js';
import { createKafka } from './create-kafka.js';

const logger = createLogger({ service: 'kafka-queue-test', level: 'warn' });
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  kafka = createKafka({ brokers: testKafkaBrokers(), clientId: uniqueName('queue-test') }, logger);
  producer = kafka.producer();
  await producer.connect();
});
afterAll(() => producer.disconnect());

describe("KafkaJS's request queue with the project's fix", () => {
  it('does not wake up while a connection is idle, and still sends what comes later', async () => {
    const topic = uniqueName('test.queue-idle');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    await producer.send({ topic, messages: [{ value: 'first' }] });

    // Unfixed, KafkaJS 2.2.4 checks its queue about every millisecond once a response has come back.
    const checks = jest.spyOn(RequestQueue.prototype, 'checkPendingRequests');
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(checks.mock.calls.length).toBeLessThan(20);
      await producer.send({ topic, messages: [{ value: 'second' }] });
      expect(warnings).not.toContain('TimeoutNegativeWarning');
    } finally {
      process.off('warning', onWarning);
      checks.mockRestore();
    }
  });
});
