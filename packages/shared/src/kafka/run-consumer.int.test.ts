// Behaviour of the Kafka toolkit against the real broker (infra/kafka, started by jest's globalSetup).
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import {
  sampleAuditEvent,
  sampleFeedback,
  samplePatientContext,
  sampleSuggestionSet,
} from '../../test/fixtures/sample-messages.js';
import { ErrorCode, InvalidInputError, UnavailableError } from '../errors/app-error.js';
import { createLogger } from '../logging/logger.js';
import type { PatientContext } from '../schemas/patient-context.js';
import { testKafkaBrokers } from '../testing/kafka.js';
import { uniqueName } from '../testing/unique-name.js';
import { waitFor } from '../testing/wait-for.js';
import { createKafka } from './create-kafka.js';
import { ensureTopics } from './ensure-topics.js';
import { decodeHeaders, Header } from './headers.js';
import { createTypedProducer, type TypedProducer } from './produce.js';
import { type RunningConsumer, runConsumer } from './run-consumer.js';
import { defineTopic, type TopicContract, Topics } from './topics.js';

const logger = createLogger({ service: 'kafka-int-test', level: 'warn' });
const brokers = testKafkaBrokers();
let kafka: Kafka;
let producer: TypedProducer;
const running: RunningConsumer[] = [];
const children: ChildProcess[] = [];

/** A fresh topic (and DLQ) with the given contract's schema, so tests never see each other's messages. */
async function freshTopic<S extends z.ZodType>(
  contract: TopicContract<S>,
  partitions = 1,
): Promise<TopicContract<S>> {
  const topic = defineTopic(uniqueName(`test.${contract.name}`), contract.schema, contract.schemaVersion);
  await ensureTopics(kafka, [topic], { numPartitions: partitions });
  return topic;
}

async function consume<S extends z.ZodType>(
  contract: TopicContract<S>,
  handle: (value: z.output<S>) => Promise<void>,
  options: {
    groupId?: string;
    retry?: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number };
  } = {},
): Promise<RunningConsumer> {
  const consumer = await runConsumer({
    kafka,
    contract,
    groupId: options.groupId ?? uniqueName('group'),
    producer,
    logger,
    handle: (value) => handle(value),
    retry: options.retry ?? { maxAttempts: 4, initialDelayMs: 20, maxDelayMs: 100 },
  });
  running.push(consumer);
  await consumer.joined;
  return consumer;
}

/** Reads every message of a topic from the beginning with a plain KafkaJS consumer (the DLQ's reader). */
async function readAll(topic: string, atLeast: number): Promise<KafkaMessage[]> {
  const messages: KafkaMessage[] = [];
  const reader = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      messages.push(message);
    },
  });
  try {
    await waitFor(() => messages.length >= atLeast, { what: `${atLeast} messages on ${topic}` });
  } finally {
    await reader.disconnect();
  }
  return messages;
}

function spawnConsumerChild(env: Record<string, string>) {
  const child = spawn(process.execPath, ['test/fixtures/consumer-child.mjs'], {
    env: { ...process.env, CHILD_BROKERS: brokers.join(','), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const events: Array<{ event: string; contextId?: string }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => events.push(JSON.parse(line)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, events, exited };
}

beforeAll(async () => {
  kafka = createKafka({ brokers, clientId: 'kafka-int-test' }, logger);
  producer = createTypedProducer(kafka);
  await producer.connect();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(running.map((consumer) => consumer.stop()));
  await producer.disconnect();
});

describe('message contracts on the real broker', () => {
  const cases = [
    ['PatientContext', Topics.patientContext, samplePatientContext()],
    ['SuggestionSet', Topics.suggestions, sampleSuggestionSet()],
    ['Feedback', Topics.feedback, sampleFeedback()],
    ['AuditEvent', Topics.audit, sampleAuditEvent()],
  ] as const;

  it.each(cases)(
    'a %s survives the round trip unchanged, with our headers',
    async (_name, contract, value) => {
      const topic = await freshTopic(contract as TopicContract);
      const received: Array<{ value: unknown }> = [];
      await consume(topic, async (decoded) => {
        received.push({ value: decoded });
      });
      await producer.send(topic, [{ key: 'pt_3kq9ZxV0aLr8Wm2b', value, correlationId: 'corr-1' }]);
      await waitFor(() => received.length === 1, { what: 'the message' });
      expect(received[0]?.value).toEqual(value);

      const [raw] = await readAll(topic.name, 1);
      const headers = decodeHeaders(raw?.headers);
      expect(headers[Header.ContentType]).toBe('application/json');
      expect(headers[Header.SchemaVersion]).toBe(contract.schemaVersion);
      expect(headers[Header.CorrelationId]).toBe('corr-1');
      expect(headers[Header.TraceParent]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(raw?.key?.toString()).toBe('pt_3kq9ZxV0aLr8Wm2b');
    },
  );

  it('refuses to produce a message that breaks its contract', async () => {
    const topic = await freshTopic(Topics.patientContext);
    const bad = { ...samplePatientContext(), tasks: [] };
    await expect(producer.send(topic, [{ key: 'k', value: bad }])).rejects.toThrow(/tasks/);
  });
});

describe('runConsumer', () => {
  it('dead-letters a poison message with its reason and keeps consuming', async () => {
    const topic = await freshTopic(Topics.patientContext);
    const handled: string[] = [];
    await consume(topic, async (context) => {
      handled.push(context.contextId);
    });
    const good = samplePatientContext();
    await producer.sendRaw(topic.name, [
      { key: 'a', value: '{ not json', headers: { [Header.SchemaVersion]: '1.0' } },
      { key: 'b', value: JSON.stringify({ ...good, patient: { ...good.patient, pseudonym: '!' } }) },
      { key: 'c', value: JSON.stringify(good), headers: { [Header.SchemaVersion]: '2.0' } },
    ]);
    await producer.send(topic, [{ key: 'd', value: good }]);

    await waitFor(() => handled.length === 1, { what: 'the valid message after the poison ones' });
    expect(handled).toEqual([good.contextId]);

    const letters = await readAll(topic.deadLetter, 3);
    const reasons = letters.map((letter) => decodeHeaders(letter.headers));
    expect(reasons.map((headers) => headers[Header.DeadLetterReason])).toEqual([
      'MALFORMED_JSON',
      'SCHEMA_INVALID',
      ErrorCode.SchemaVersionUnsupported,
    ]);
    expect(reasons[1]?.[Header.DeadLetterMessage]).toContain('patient.pseudonym');
    expect(reasons[0]?.[Header.DeadLetterTopic]).toBe(topic.name);
    expect(reasons[0]?.[Header.DeadLetterOffset]).toBe('0');
    // The original bytes are kept, so a fixed consumer can replay them.
    expect(letters[0]?.value?.toString()).toBe('{ not json');
  });

  it('retries a transient handler failure and processes the message once it succeeds', async () => {
    const topic = await freshTopic(Topics.patientContext);
    let attempts = 0;
    const done: string[] = [];
    await consume(topic, async (context) => {
      attempts++;
      if (attempts < 3) throw new UnavailableError('inference is restarting');
      done.push(context.contextId);
    });
    const context = samplePatientContext();
    await producer.send(topic, [{ key: 'k', value: context }]);
    await waitFor(() => done.length === 1, { what: 'the retried message' });
    expect(attempts).toBe(3);
    expect(done).toEqual([context.contextId]);
  });

  it('dead-letters after the last retry, and at once for a non-retriable error', async () => {
    const topic = await freshTopic(Topics.patientContext);
    const [flaky, invalid, fine] = [samplePatientContext(), samplePatientContext(), samplePatientContext()];
    const calls = new Map<string, number>();
    await consume(
      topic,
      async (context) => {
        calls.set(context.contextId, (calls.get(context.contextId) ?? 0) + 1);
        if (context.contextId === flaky.contextId) throw new UnavailableError('still down');
        if (context.contextId === invalid.contextId) throw new InvalidInputError('no analysable items');
      },
      { retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 20 } },
    );
    await producer.send(
      topic,
      [flaky, invalid, fine].map((value) => ({ key: 'same-patient', value })),
    );

    const letters = await readAll(topic.deadLetter, 2);
    const headers = letters.map((letter) => decodeHeaders(letter.headers));
    expect(headers.map((h) => [h[Header.DeadLetterReason], h[Header.DeadLetterAttempts]])).toEqual([
      [ErrorCode.RetriesExhausted, '3'],
      [ErrorCode.InvalidInput, '1'],
    ]);
    expect(headers[0]?.[Header.DeadLetterMessage]).toContain('still down');
    await waitFor(() => calls.get(fine.contextId) === 1, { what: 'the message behind the failures' });
    expect(calls.get(flaky.contextId)).toBe(3);
    expect(calls.get(invalid.contextId)).toBe(1);
  });

  it('redelivers a message whose consumer process was killed before committing', async () => {
    const topic = await freshTopic(Topics.patientContext);
    const groupId = uniqueName('group');
    const context = samplePatientContext();

    const doomed = spawnConsumerChild({
      CHILD_TOPIC: topic.name,
      CHILD_GROUP: groupId,
      CHILD_MODE: 'die-before-commit',
    });
    await waitFor(() => doomed.events.some((e) => e.event === 'joined'), { what: 'the child to join' });
    await producer.send(topic, [{ key: 'k', value: context }]);
    const ended = await doomed.exited;
    expect(ended.signal).toBe('SIGKILL');
    expect(doomed.events.filter((e) => e.event === 'received').map((e) => e.contextId)).toEqual([
      context.contextId,
    ]);

    const survivor = spawnConsumerChild({
      CHILD_TOPIC: topic.name,
      CHILD_GROUP: groupId,
      CHILD_MODE: 'normal',
    });
    await waitFor(() => survivor.events.some((e) => e.event === 'finished'), {
      what: 'the restarted consumer to get the message again',
      timeoutMs: 60_000,
    });
    expect(survivor.events.filter((e) => e.event === 'finished').map((e) => e.contextId)).toEqual([
      context.contextId,
    ]);
    survivor.child.kill('SIGTERM');
    await survivor.exited;
  });

  it('on SIGTERM finishes the message in hand, commits it and exits 0', async () => {
    const topic = await freshTopic(Topics.patientContext);
    const groupId = uniqueName('group');
    const [first, second] = [samplePatientContext(), samplePatientContext()];

    const slow = spawnConsumerChild({ CHILD_TOPIC: topic.name, CHILD_GROUP: groupId, CHILD_MODE: 'slow' });
    await waitFor(() => slow.events.some((e) => e.event === 'joined'), { what: 'the child to join' });
    await producer.send(topic, [{ key: 'k', value: first }]);
    await waitFor(() => slow.events.some((e) => e.event === 'received'), {
      what: 'the message to be in hand',
    });
    slow.child.kill('SIGTERM');
    const ended = await slow.exited;
    expect(ended.code).toBe(0);
    expect(slow.events.filter((e) => e.event === 'finished').map((e) => e.contextId)).toEqual([
      first.contextId,
    ]);

    // The next member of the group starts after the committed message.
    await producer.send(topic, [{ key: 'k', value: second }]);
    const next = spawnConsumerChild({ CHILD_TOPIC: topic.name, CHILD_GROUP: groupId, CHILD_MODE: 'normal' });
    await waitFor(() => next.events.some((e) => e.event === 'finished'), {
      what: 'the second message',
      timeoutMs: 60_000,
    });
    expect(next.events.filter((e) => e.event === 'received').map((e) => e.contextId)).toEqual([
      second.contextId,
    ]);
    next.child.kill('SIGTERM');
    await next.exited;
  });

  it('shares the partitions between two consumers of one group, and hands them over when one leaves', async () => {
    const topic = await freshTopic(Topics.patientContext, 3);
    const groupId = uniqueName('group');
    const seenBy = { a: [] as PatientContext[], b: [] as PatientContext[] };
    const a = await consume(topic, async (c) => void seenBy.a.push(c), { groupId });
    const b = await consume(topic, async (c) => void seenBy.b.push(c), { groupId });
    // Wait for the rebalance that gives each member its share.
    await waitFor(
      () => {
        const [ofA, ofB] = [a.assignment(), b.assignment()];
        return ofA.length > 0 && ofB.length > 0 && [...ofA, ...ofB].sort().join() === '0,1,2';
      },
      { what: 'both members to own partitions', timeoutMs: 45_000 },
    );

    const contexts = Array.from({ length: 30 }, (_, i) =>
      samplePatientContext({
        patient: {
          ref: `Patient/p${i}`,
          pseudonym: `pseudonym-patient-${String(i).padStart(4, '0')}`,
          sex: 'unknown',
        },
      }),
    );
    await producer.send(
      topic,
      contexts.map((value) => ({ key: value.patient.pseudonym, value })),
    );
    await waitFor(() => seenBy.a.length + seenBy.b.length === 30, { what: 'all 30 messages' });
    expect(seenBy.a.length).toBeGreaterThan(0);
    expect(seenBy.b.length).toBeGreaterThan(0);
    const ids = [...seenBy.a, ...seenBy.b].map((c) => c.contextId).sort();
    expect(ids).toEqual(contexts.map((c) => c.contextId).sort());

    // When b leaves, a takes every partition and gets what comes next.
    await b.stop();
    running.splice(running.indexOf(b), 1);
    await waitFor(() => a.assignment().length === 3, { what: 'a to own all partitions', timeoutMs: 45_000 });
    const later = contexts.slice(0, 6).map((c) => ({ ...c, contextId: crypto.randomUUID() }));
    const before = seenBy.a.length;
    await producer.send(
      topic,
      later.map((value) => ({ key: value.patient.pseudonym, value })),
    );
    await waitFor(() => seenBy.a.length === before + 6, { what: 'a to get the later messages' });
  });
});
