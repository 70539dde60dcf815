// The batch consumer against the real broker (infra/kafka, started by jest's globalSetup): batches,
// commits, poison isolation and retries.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { sampleAuditEvent } from '../../test/fixtures/sample-messages.js';
import { ErrorCode, InvalidInputError, UnavailableError } from '../errors/app-error.js';
import { createLogger } from '../logging/logger.js';
import type { AuditEvent } from '../schemas/audit-event.js';
import { testKafkaBrokers } from '../testing/kafka.js';
import { uniqueName } from '../testing/unique-name.js';
import { waitFor } from '../testing/wait-for.js';
import { createKafka } from './create-kafka.js';
import { ensureTopics } from './ensure-topics.js';
import { decodeHeaders, Header } from './headers.js';
import { createTypedProducer, type TypedProducer } from './produce.js';
import { type RunBatchConsumerOptions, runBatchConsumer } from './run-batch-consumer.js';
import type { RunningConsumer } from './run-consumer.js';
import { defineTopic, type TopicContract, Topics } from './topics.js';

const logger = createLogger({ service: 'kafka-batch-int-test', level: 'silent' });
let kafka: Kafka;
let producer: TypedProducer;
const running: RunningConsumer[] = [];

beforeAll(async () => {
  kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'kafka-batch-int-test' }, logger);
  producer = createTypedProducer(kafka);
  await producer.connect();
});
afterAll(async () => {
  await Promise.all(running.map((consumer) => consumer.stop()));
  await producer.disconnect();
});

type AuditTopic = TopicContract<typeof Topics.audit.schema>;

async function freshTopic(): Promise<AuditTopic> {
  const topic = defineTopic(uniqueName(`test.${Topics.audit.name}`), Topics.audit.schema, '1.1');
  await ensureTopics(kafka, [topic], { numPartitions: 1 });
  return topic;
}

async function consume(
  topic: AuditTopic,
  options: Partial<RunBatchConsumerOptions<typeof Topics.audit.schema>> &
    Pick<RunBatchConsumerOptions<typeof Topics.audit.schema>, 'handleBatch'>,
): Promise<RunningConsumer> {
  const consumer = await runBatchConsumer({
    kafka,
    contract: topic,
    groupId: uniqueName('batch-group'),
    producer,
    logger,
    maxBatchSize: 10,
    maxWaitTimeMs: 200,
    retry: { maxAttempts: 4, initialDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
  running.push(consumer);
  await consumer.joined;
  return consumer;
}

async function stop(consumer: RunningConsumer) {
  running.splice(running.indexOf(consumer), 1);
  await consumer.stop();
}

const events = (count: number, detail: AuditEvent['detail'] = {}) =>
  Array.from({ length: count }, (_, index) => ({ ...sampleAuditEvent(), detail: { index, ...detail } }));

const send = (topic: AuditTopic, values: AuditEvent[]) =>
  producer.send(
    topic,
    values.map((value) => ({ key: 'pt_3kq9ZxV0aLr8Wm2b', value })),
  );

/** Every message of a topic from the beginning (the DLQ's reader). */
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

describe('runBatchConsumer', () => {
  it('hands waiting messages over in batches of at most maxBatchSize, and commits them: the group never gets them again', async () => {
    const topic = await freshTopic();
    const sent = events(25);
    await send(topic, sent);
    const groupId = uniqueName('batch-group');
    const batches: string[][] = [];
    const first = await consume(topic, {
      groupId,
      handleBatch: async (items) => void batches.push(items.map((item) => item.value.eventId)),
    });
    await waitFor(() => batches.flat().length === 25, { what: '25 events' });
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(sent.map((event) => event.eventId));
    await stop(first);

    // The same group again: only what came after the commit.
    const later: string[] = [];
    await consume(topic, {
      groupId,
      handleBatch: async (items) => void later.push(...items.map((i) => i.value.eventId)),
    });
    const marker = events(1);
    await send(topic, marker);
    await waitFor(() => later.length > 0, { what: 'the marker' });
    expect(later).toEqual([marker[0]!.eventId]);
  });

  it('isolates the message its handler refuses, dead-letters it with the reason, and handles the rest once', async () => {
    const topic = await freshTopic();
    const good = events(7);
    const poison = events(1, { poison: true })[0]!;
    const sent = [...good.slice(0, 3), poison, ...good.slice(3)];
    await send(topic, sent);
    await producer.sendRaw(topic.name, [{ key: 'x', value: '{ not json' }]);
    const handled: string[] = [];
    const failures: Array<{ size: number; willRetry: boolean }> = [];
    await consume(topic, {
      handleBatch: async (items) => {
        if (items.some((item) => item.value.detail.poison))
          throw new InvalidInputError('The EHR rejected the AuditEvent (HTTP 400)');
        handled.push(...items.map((item) => item.value.eventId));
      },
      onAttemptFailed: ({ size, willRetry }) => void failures.push({ size, willRetry }),
    });
    const letters = await readAll(topic.deadLetter, 2);
    await waitFor(() => handled.length === 7, { what: 'the seven good events' });
    expect([...handled].sort()).toEqual(good.map((event) => event.eventId).sort());
    const reasons = letters.map((letter) => decodeHeaders(letter.headers));
    expect(reasons.map((headers) => headers[Header.DeadLetterReason]).sort()).toEqual(
      [ErrorCode.InvalidInput, 'MALFORMED_JSON'].sort(),
    );
    const refused = letters.find((letter) => letter.value?.toString() !== '{ not json')!;
    expect(JSON.parse(refused.value!.toString()).eventId).toBe(poison.eventId);
    expect(decodeHeaders(refused.headers)[Header.DeadLetterMessage]).toMatch(/HTTP 400/);
    // 8 → 4 → 2 → 1: the halves holding the poison failed, never retried.
    expect(failures).toEqual([
      { size: 8, willRetry: false },
      { size: 4, willRetry: false },
      { size: 2, willRetry: false },
      { size: 1, willRetry: false },
    ]);
  });

  it('retries a batch while its handler fails with a retriable error, then hands it over once', async () => {
    const topic = await freshTopic();
    const sent = events(4);
    await send(topic, sent);
    let calls = 0;
    const handled: string[][] = [];
    const failures: boolean[] = [];
    await consume(topic, {
      handleBatch: async (items) => {
        calls++;
        if (calls < 3) throw new UnavailableError('The EHR did not answer (HTTP 503)');
        handled.push(items.map((item) => item.value.eventId));
      },
      onAttemptFailed: ({ willRetry }) => void failures.push(willRetry),
    });
    await waitFor(() => handled.length === 1, { what: 'the retried batch' });
    expect(handled).toEqual([sent.map((event) => event.eventId)]);
    expect(calls).toBe(3);
    expect(failures).toEqual([true, true]);
  });

  it("with onRetriesExhausted 'redeliver', a batch that outlasts its retries is fetched again, never dead-lettered", async () => {
    const topic = await freshTopic();
    const sent = events(3);
    await send(topic, sent);
    let calls = 0;
    const handled: string[] = [];
    await consume(topic, {
      retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50 },
      onRetriesExhausted: 'redeliver',
      handleBatch: async (items) => {
        calls++;
        if (calls <= 3) throw new UnavailableError('The EHR did not answer');
        handled.push(...items.map((item) => item.value.eventId));
      },
    });
    await waitFor(() => handled.length === 3, { timeoutMs: 30_000, what: 'the batch after a redelivery' });
    expect(handled).toEqual(sent.map((event) => event.eventId));
    expect(calls).toBe(4);
    // Nothing went to the DLQ: a marker is the only message there.
    await producer.sendRaw(topic.deadLetter, [{ key: 'marker', value: 'marker' }]);
    const letters = await readAll(topic.deadLetter, 1);
    expect(letters.map((letter) => letter.key?.toString())).toEqual(['marker']);
  }, 40_000);

  it('refuses a maxBatchSize below 1 at construction, saying what to do', async () => {
    const topic = await freshTopic();
    await expect(
      runBatchConsumer({
        kafka,
        contract: topic,
        groupId: uniqueName('batch-group'),
        producer,
        logger,
        maxBatchSize: 0,
        handleBatch: async () => undefined,
      }),
    ).rejects.toThrow(/maxBatchSize must be a whole number of at least 1/);
  });
});
