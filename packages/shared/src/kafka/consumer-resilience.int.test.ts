// What keeps a consumer going, against the real broker (infra/kafka, started by jest's globalSetup):
// dead letters that always fit the size limit, restarts after a crash (with /readyz saying so), and
// one retry budget per message.
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import {
  type Admin,
  CompressionTypes,
  ConfigResourceTypes,
  type IHeaders,
  type Kafka,
  type KafkaMessage,
} from 'kafkajs';
import type { z } from 'zod';
import { sampleAuditEvent, samplePatientContext } from '../../test/fixtures/sample-messages.js';
import { ErrorCode, InvalidInputError, UnavailableError } from '../errors/app-error.js';
import { addHealthRoutes } from '../http/health-routes.js';
import { createLogger } from '../logging/logger.js';
import { testKafkaBrokers } from '../testing/kafka.js';
import { uniqueName } from '../testing/unique-name.js';
import { waitFor } from '../testing/wait-for.js';
import { createConsumerReadiness } from './consumer-readiness.js';
import { createKafka } from './create-kafka.js';
import { DEFAULT_EXCERPT_BYTES } from './dead-letter.js';
import { ensureTopics } from './ensure-topics.js';
import { buildHeaders, decodeHeaders, Header } from './headers.js';
import { DEFAULT_MAX_MESSAGE_BYTES, recordBatchBytes } from './message-size.js';
import { createTypedProducer, MessageTooLargeError, type TypedProducer } from './produce.js';
import { runBatchConsumer } from './run-batch-consumer.js';
import {
  type MessageMeta,
  type RunConsumerOptions,
  type RunningConsumer,
  runConsumer,
} from './run-consumer.js';
import { defineTopic, type TopicContract, Topics } from './topics.js';

const LIMIT = DEFAULT_MAX_MESSAGE_BYTES;
const logger = createLogger({ service: 'kafka-resilience-int-test', level: 'silent' });
const brokers = testKafkaBrokers();
let kafka: Kafka;
let producer: TypedProducer;
const running: RunningConsumer[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  kafka = createKafka({ brokers, clientId: 'kafka-resilience-int-test' }, logger);
  producer = createTypedProducer(kafka, { maxMessageBytes: LIMIT });
  await producer.connect();
});

afterAll(async () => {
  await Promise.all(running.map((consumer) => consumer.stop()));
  for (const cleanup of cleanups) await cleanup();
  await producer.disconnect();
});

/** A fresh topic and DLQ, both with `max.message.bytes` = LIMIT, as openKafka makes them. */
async function freshTopic<S extends z.ZodType>(contract: TopicContract<S>): Promise<TopicContract<S>> {
  const topic = defineTopic(uniqueName(`test.${contract.name}`), contract.schema, contract.schemaVersion);
  await ensureTopics(kafka, [topic], { numPartitions: 1, maxMessageBytes: LIMIT });
  return topic;
}

async function consume<S extends z.ZodType>(
  options: Pick<RunConsumerOptions<S>, 'contract' | 'handle'> & Partial<RunConsumerOptions<S>>,
): Promise<RunningConsumer> {
  const consumer = await runConsumer({
    kafka,
    groupId: uniqueName('group'),
    producer,
    logger,
    retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50 },
    ...options,
  });
  running.push(consumer);
  await consumer.joined;
  return consumer;
}

async function readAll(topic: string, atLeast: number): Promise<KafkaMessage[]> {
  const messages: KafkaMessage[] = [];
  const reader = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  await reader.run({ eachMessage: async ({ message }) => void messages.push(message) });
  try {
    await waitFor(() => messages.length >= atLeast, { what: `${atLeast} messages on ${topic}` });
  } finally {
    await reader.disconnect();
  }
  return messages;
}

/** A valid message padded (with a field the tolerant reader drops) to take `bytes` in its record batch. */
function paddedTo(bytes: number, value: object, key: string, headers: IHeaders): Buffer {
  const bare = recordBatchBytes([{ key, value: JSON.stringify({ ...value, padding: '' }), headers }]);
  return Buffer.from(JSON.stringify({ ...value, padding: 'p'.repeat(bytes - bare) }));
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The checks every excerpt letter passes: bounded, and enough to find and verify the original. */
function expectExcerptOf(
  letter: KafkaMessage | undefined,
  original: Buffer,
  from: { topic: string; offset: string },
) {
  const headers = decodeHeaders(letter?.headers);
  expect(headers).toMatchObject({
    [Header.DeadLetterTruncated]: 'value',
    [Header.DeadLetterValueBytes]: String(original.length),
    [Header.DeadLetterValueSha256]: sha256(original),
    [Header.DeadLetterExcerptBytes]: String(DEFAULT_EXCERPT_BYTES),
    [Header.DeadLetterTopic]: from.topic,
    [Header.DeadLetterPartition]: '0',
    [Header.DeadLetterOffset]: from.offset,
    [Header.DeadLetterReason]: ErrorCode.InvalidInput,
  });
  expect(letter?.value).toEqual(original.subarray(0, DEFAULT_EXCERPT_BYTES));
}

describe('dead letters that cannot be too large', () => {
  it('dead-letters an excerpt of a context a few hundred bytes under the limit, and goes on to the next', async () => {
    const topic = await freshTopic(Topics.patientContext);
    const [poison, next] = [samplePatientContext(), samplePatientContext()];
    const handled: string[] = [];
    await consume({
      contract: topic,
      handle: async (context) => {
        if (context.contextId === poison.contextId) throw new InvalidInputError('cannot review this context');
        handled.push(context.contextId);
      },
    });
    const headers = buildHeaders({ schemaVersion: '1.0', correlationId: poison.contextId });
    // 150 bytes under the limit by our estimate (~200 on the wire): our dead-letter headers take ~280,
    // so the whole copy cannot fit (it made the broker refuse the letter and stopped the consumer).
    const value = paddedTo(LIMIT - 150, poison, 'pt_big', headers);
    await producer.sendRaw(topic.name, [{ key: 'pt_big', value, headers }]);
    await producer.send(topic, [{ key: 'pt_next', value: next }]);

    await waitFor(() => handled.includes(next.contextId), { what: 'the context after the big one' });
    const [letter] = await readAll(topic.deadLetter, 1);
    expectExcerptOf(letter, value, { topic: topic.name, offset: '0' });
    expect(decodeHeaders(letter?.headers)[Header.CorrelationId]).toBe(poison.contextId);
  });

  it('dead-letters an excerpt of a gzip-compressed context bigger than the limit once unpacked', async () => {
    const topic = await freshTopic(Topics.patientContext);
    const [poison, next] = [samplePatientContext(), samplePatientContext()];
    const handled: string[] = [];
    await consume({
      contract: topic,
      handle: async (context) => {
        if (context.contextId === poison.contextId) throw new InvalidInputError('cannot review this context');
        handled.push(context.contextId);
      },
    });
    const value = paddedTo(LIMIT + 300_000, poison, 'pt_zip', {});
    // KafkaJS itself, as another client would send it: compressed, so the broker takes it.
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({
      topic: topic.name,
      compression: CompressionTypes.GZIP,
      messages: [{ key: 'pt_zip', value }],
    });
    await raw.disconnect();
    await producer.send(topic, [{ key: 'pt_next', value: next }]);

    await waitFor(() => handled.includes(next.contextId), { what: 'the context after the big one' });
    const [letter] = await readAll(topic.deadLetter, 1);
    expectExcerptOf(letter, value, { topic: topic.name, offset: '0' });
  });

  it('does the same in the batch consumer', async () => {
    const topic = await freshTopic(Topics.audit);
    const [poison, next] = [sampleAuditEvent(), sampleAuditEvent()];
    const handled: string[] = [];
    const consumer = await runBatchConsumer({
      kafka,
      contract: topic,
      groupId: uniqueName('batch-group'),
      producer,
      logger,
      maxBatchSize: 10,
      maxWaitTimeMs: 200,
      retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50 },
      handleBatch: async (items) => {
        if (items.some((item) => item.value.eventId === poison.eventId))
          throw new InvalidInputError('cannot write this event');
        handled.push(...items.map((item) => item.value.eventId));
      },
    });
    running.push(consumer);
    await consumer.joined;
    const headers = buildHeaders({ schemaVersion: topic.schemaVersion });
    const value = paddedTo(LIMIT - 150, poison, 'pt_big', headers);
    await producer.sendRaw(topic.name, [{ key: 'pt_big', value, headers }]);
    await producer.send(topic, [{ key: 'pt_next', value: next }]);

    await waitFor(() => handled.includes(next.eventId), { what: 'the event after the big one' });
    const [letter] = await readAll(topic.deadLetter, 1);
    expectExcerptOf(letter, value, { topic: topic.name, offset: '0' });
  });

  it('sends a bare letter when the broker refuses one within our limit (its dead-letter topic is set lower)', async () => {
    const topic = defineTopic(
      uniqueName(`test.${Topics.patientContext.name}`),
      Topics.patientContext.schema,
      '1.0',
    );
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topic.name, numPartitions: 1 },
        {
          topic: topic.deadLetter,
          numPartitions: 1,
          configEntries: [{ name: 'max.message.bytes', value: '20000' }],
        },
      ],
    });
    await admin.disconnect();
    const [poison, next] = [samplePatientContext(), samplePatientContext()];
    const handled: string[] = [];
    await consume({
      contract: topic,
      handle: async (context) => {
        if (context.contextId === poison.contextId) throw new InvalidInputError('cannot review this context');
        handled.push(context.contextId);
      },
    });
    const value = paddedTo(100_000, poison, 'pt_mid', {});
    await producer.sendRaw(topic.name, [{ key: 'pt_mid', value }]);
    await producer.send(topic, [{ key: 'pt_next', value: next }]);

    await waitFor(() => handled.includes(next.contextId), { what: 'the context after the refused letter' });
    const [letter] = await readAll(topic.deadLetter, 1);
    const headers = decodeHeaders(letter?.headers);
    expect(headers[Header.DeadLetterValueSha256]).toBe(sha256(value));
    expect(headers[Header.DeadLetterExcerptBytes]).toBe('0');
    expect(headers[Header.DeadLetterOffset]).toBe('0');
    expect(letter?.value?.length ?? 0).toBe(0);
  });

  it('refuses to produce a message over the limit before the broker is asked', async () => {
    const topic = await freshTopic(Topics.patientContext);
    const value = paddedTo(LIMIT + 1, samplePatientContext(), 'pt_x', {});
    await expect(producer.sendRaw(topic.name, [{ key: 'pt_x', value }])).rejects.toThrow(
      MessageTooLargeError,
    );
  });
});

/**
 * Two real faults of the dead-letter write that stop a KafkaJS consumer, and their repairs: a missing
 * dead-letter topic (auto-creation is off; KafkaJS would restart the consumer itself, unseen by
 * /readyz), and a dead-letter topic that refuses every letter as too large (non-retriable: KafkaJS
 * leaves the consumer stopped for good, the reported failure).
 */
const faults = [
  {
    fault: 'its dead-letter topic is missing',
    crash: /topic|partition/i,
    async make(admin: Admin, topic: TopicContract) {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: topic.name, numPartitions: 1 }] });
    },
    async repair(admin: Admin, topic: TopicContract) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: topic.deadLetter, numPartitions: 1 }],
      });
    },
  },
  {
    fault: 'its dead-letter topic refuses every letter as too large',
    crash: /larger than the max message size/,
    async make(admin: Admin, topic: TopicContract) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic: topic.name, numPartitions: 1 },
          {
            topic: topic.deadLetter,
            numPartitions: 1,
            configEntries: [{ name: 'max.message.bytes', value: '64' }],
          },
        ],
      });
    },
    async repair(admin: Admin, topic: TopicContract) {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic.deadLetter,
            configEntries: [{ name: 'max.message.bytes', value: String(LIMIT) }],
          },
        ],
      });
    },
  },
];

describe('a consumer that crashes', () => {
  it.each(faults)(
    'is restarted with backoff when $fault, and /readyz answers 503 while it is down, 200 once it runs again',
    async ({ crash, make, repair }) => {
      const topic = defineTopic(
        uniqueName(`test.${Topics.patientContext.name}`),
        Topics.patientContext.schema,
        '1.0',
      );
      const admin = kafka.admin();
      await admin.connect();
      cleanups.push(() => admin.disconnect());
      await make(admin, topic);
      // A producer that gives up at once, so the crash comes in a second rather than after a minute of retries.
      const impatient = createTypedProducer(
        createKafka({ brokers, clientId: 'impatient', retries: 1 }, logger),
      );
      await impatient.connect();
      cleanups.push(() => impatient.disconnect());

      const readiness = createConsumerReadiness();
      const handled: string[] = [];
      const consumer = readiness.add(
        await consume({
          contract: topic,
          producer: impatient,
          restart: { initialDelayMs: 200, maxDelayMs: 1_000 },
          handle: async (context) => void handled.push(context.contextId),
        }),
      );
      await readiness.complete();
      const app = express();
      addHealthRoutes(app, async () => readiness.isReady());
      const server: Server = await new Promise((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
      });
      cleanups.push(() => new Promise((resolve) => server.close(resolve)));
      const readyz = async () =>
        (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`)).status;
      expect(await readyz()).toBe(200);

      await producer.sendRaw(topic.name, [{ key: 'pt_poison', value: '{ not json' }]);
      await waitFor(async () => (await readyz()) === 503, {
        what: '/readyz to fail after the crash',
        intervalMs: 20,
      });
      await waitFor(() => consumer.health().restarts >= 2, { what: 'restarts (each crashing again)' });
      expect(consumer.health().lastCrash?.message).toMatch(crash);

      await repair(admin, topic);
      const next = samplePatientContext();
      await producer.send(topic, [{ key: 'pt_next', value: next }]);
      await waitFor(() => handled.includes(next.contextId), {
        what: 'the context after the poison one',
        timeoutMs: 30_000,
      });
      const [letter] = await readAll(topic.deadLetter, 1);
      expect(decodeHeaders(letter?.headers)[Header.DeadLetterReason]).toBe('MALFORMED_JSON');
      await waitFor(async () => (await readyz()) === 200, { what: '/readyz to pass again' });
      expect(consumer.health().state).toBe('running');
    },
  );
});

describe('the retry budget', () => {
  it('dead-letters a context whose handler keeps failing once its budget is spent, and tells the handler the end', async () => {
    const topic = await freshTopic(Topics.patientContext);
    const budgetMs = 2_000;
    const calls: Array<{ at: number; deadline: MessageMeta['deadline'] }> = [];
    await consume({
      contract: topic,
      retry: { budgetMs, initialDelayMs: 100, maxDelayMs: 400 },
      handle: async (_context, meta) => {
        calls.push({ at: Date.now(), deadline: meta.deadline });
        throw new UnavailableError('inference is down');
      },
    });
    await producer.send(topic, [{ key: 'pt_1', value: samplePatientContext() }]);

    const [letter] = await readAll(topic.deadLetter, 1);
    const headers = decodeHeaders(letter?.headers);
    const first = calls[0]!;
    const toDeadLetterMs = Date.parse(headers[Header.DeadLetterAt]!) - first.at;
    expect(headers[Header.DeadLetterReason]).toBe(ErrorCode.RetriesExhausted);
    expect(headers[Header.DeadLetterMessage]).toMatch(
      /^retry budget of 2000 ms spent \(\d+ ms\); UNAVAILABLE: inference is down$/,
    );
    expect(headers[Header.DeadLetterAttempts]).toBe(String(calls.length));
    // More than the default 5 attempts: the budget bounds them, not a count.
    expect(calls.length).toBeGreaterThan(5);
    // Within the budget (plus the DLQ write); and it used it: one more wait would have passed the end.
    expect(toDeadLetterMs).toBeLessThanOrEqual(budgetMs + 500);
    expect(toDeadLetterMs).toBeGreaterThan(budgetMs - 400 * 1.2 - 100);
    expect(Math.abs(first.deadline! - (first.at + budgetMs))).toBeLessThan(50);
    expect(new Set(calls.map((call) => call.deadline)).size).toBe(1);
  });
});
