// The trace crosses the real broker: a message's headers carry the sending span, the consumer's span is
// its child, and what the handler produces continues the same trace (the relay guardrails performs).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Kafka } from 'kafkajs';
import { samplePatientContext, sampleSuggestionSet } from '../../test/fixtures/sample-messages.js';
import { createKafka } from '../kafka/create-kafka.js';
import { ensureTopics } from '../kafka/ensure-topics.js';
import { createTypedProducer, type TypedProducer } from '../kafka/produce.js';
import { runBatchConsumer } from '../kafka/run-batch-consumer.js';
import { type RunningConsumer, runConsumer } from '../kafka/run-consumer.js';
import { defineTopic, type TopicContract, Topics } from '../kafka/topics.js';
import { createLogger } from '../logging/logger.js';
import { testKafkaBrokers } from '../testing/kafka.js';
import { uniqueName } from '../testing/unique-name.js';
import { waitFor } from '../testing/wait-for.js';
import { extractTraceContext } from './propagation.js';
import { withSpan } from './spans.js';
import { startTracing, type Tracing } from './start-tracing.js';
import { tracingConfigFrom } from './tracing-config.js';

const logger = createLogger({ service: 'kafka-tracing-test', level: 'warn' });
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let kafka: Kafka;
let producer: TypedProducer;
const running: RunningConsumer[] = [];

const fresh = async <T extends TopicContract>(contract: T): Promise<T> => {
  const topic = defineTopic(uniqueName(`test.${contract.name}`), contract.schema, contract.schemaVersion);
  await ensureTopics(kafka, [topic], { numPartitions: 1 });
  return topic as T;
};

const spans = async (): Promise<ReadableSpan[]> => {
  await tracing.forceFlush();
  return exporter.getFinishedSpans();
};
const named = (all: ReadableSpan[], name: string) => {
  const span = all.find((candidate) => candidate.name === name);
  if (!span) throw new Error(`no span "${name}" among: ${all.map((s) => s.name).join(', ')}`);
  return span;
};

beforeAll(async () => {
  tracing = startTracing(
    tracingConfigFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }, 'kafka-tracing-test'),
    { logger, exporter },
  );
  kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'kafka-tracing-test' }, logger);
  producer = createTypedProducer(kafka);
  await producer.connect();
});

afterAll(async () => {
  await Promise.all(running.map((consumer) => consumer.stop()));
  await producer.disconnect();
  await tracing.shutdown();
});

describe('trace context through Kafka', () => {
  it('continues one trace: trigger → send → process → (handler) send → process', async () => {
    const contexts = await fresh(Topics.patientContext);
    const suggestions = await fresh(Topics.suggestions);
    const context = samplePatientContext();
    const set = sampleSuggestionSet();
    const seen: Array<{ traceparent: string | undefined; tracestate: string | undefined }> = [];

    running.push(
      await runConsumer({
        kafka,
        contract: contexts,
        groupId: uniqueName('relay'),
        producer,
        logger,
        handle: async (_value, meta) => {
          seen.push({ traceparent: meta.traceparent, tracestate: meta.headers.tracestate });
          await producer.send(suggestions, [{ key: set.patient.pseudonym, value: set }]);
        },
      }),
      await runConsumer({
        kafka,
        contract: suggestions,
        groupId: uniqueName('sink'),
        producer,
        logger,
        handle: async () => {
          await withSpan('write-back', {}, () => undefined);
        },
      }),
    );
    await Promise.all(running.map((consumer) => consumer.joined));

    // The EHR's call, with its own trace and vendor state.
    const incoming = extractTraceContext({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'ehr=1',
    });
    await withSpan('trigger', { kind: SpanKind.SERVER, parent: incoming }, () =>
      producer.send(contexts, [{ key: context.patient.pseudonym, value: context }]),
    );
    await waitFor(async () => (await spans()).some((span) => span.name === 'write-back'), {
      what: 'the write-back span',
    });

    const all = await spans();
    const trigger = named(all, 'trigger');
    const sendContext = named(all, `send ${contexts.name}`);
    const processContext = named(all, `process ${contexts.name}`);
    const sendSet = named(all, `send ${suggestions.name}`);
    const processSet = named(all, `process ${suggestions.name}`);
    const writeBack = named(all, 'write-back');
    const chain = [trigger, sendContext, processContext, sendSet, processSet, writeBack];
    for (const span of chain) expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    chain.slice(1).forEach((span, index) => {
      expect(span.parentSpanContext?.spanId).toBe(chain[index]!.spanContext().spanId);
    });
    expect([sendContext.kind, processContext.kind]).toEqual([SpanKind.PRODUCER, SpanKind.CONSUMER]);
    expect(processContext.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': contexts.name,
      'messaging.kafka.message.key': context.patient.pseudonym,
      'aloe.outcome': 'processed',
    });
    // The handler saw the producer's span as the message's traceparent, and the EHR's tracestate kept.
    expect(seen[0]).toEqual({
      traceparent: `00-${sendContext.spanContext().traceId}-${sendContext.spanContext().spanId}-01`,
      tracestate: 'ehr=1',
    });
  });

  it('links a batch span to the trace of each of its messages', async () => {
    const audit = await fresh(Topics.patientContext);
    const sent: string[] = [];
    for (const name of ['first', 'second'])
      await withSpan(name, {}, async () => {
        sent.push(trace.getActiveSpan()!.spanContext().traceId);
        const value = samplePatientContext();
        await producer.send(audit, [{ key: value.patient.pseudonym, value }]);
      });
    let handled = 0;
    running.push(
      await runBatchConsumer({
        kafka,
        contract: audit,
        groupId: uniqueName('batch'),
        producer,
        logger,
        maxBatchSize: 10,
        handleBatch: async (items) => {
          handled += items.length;
        },
      }),
    );
    await waitFor(() => handled === 2, { what: 'both messages' });
    const batches = (await spans()).filter((span) => span.name === `process ${audit.name}`);
    const linked = batches.flatMap((span) => span.links.map((link) => link.context.traceId));
    expect(linked.sort()).toEqual([...sent].sort());
    for (const batch of batches) expect(sent).not.toContain(batch.spanContext().traceId);
  });
});
