// FHIR AuditEvents end to end: events of every kind on a real broker (a CDS Hooks call answered by the
// adapter as main.ts starts it, its chart read from the sandbox EHR over HTTP; the guardrails' and the
// write-back's events as those services produce them) become AuditEvents in the sandbox EHR: batched,
// exactly once however often they are delivered, retried while the EHR is down, poison to the DLQ.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxEhr, FHIR_BASE_PATH, SEED_PATIENTS } from '@aloe/sandbox-ehr';
import { FhirAdapterConfig, loadConfig } from '@aloe/shared/config';
import {
  createKafka,
  createTypedProducer,
  decodeHeaders,
  defineTopic,
  ensureTopics,
  Header,
  type RunningConsumer,
  Topics,
  type TypedProducer,
  topicsWithPrefix,
} from '@aloe/shared/kafka';
import { createLogger } from '@aloe/shared/logging';
import type { AuditEvent } from '@aloe/shared/schemas';
import { testKafkaBrokers, uniqueName, waitFor } from '@aloe/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, AuditEvent as FhirAuditEvent } from '@medplum/fhirtypes';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import request from 'supertest';
import { type AuditKind, auditEventsOfEachKind } from '../../test/audit-events.js';
import { startSandboxEhr } from '../../test/chart-deps.js';
import { createService } from '../create-service.js';
import { createFhirClient, type FhirClient } from '../ehr/fhir-client.js';
import { AUDIT_EVENT_TAG_SYSTEM } from './audit-codes.js';
import { runFhirAuditSink } from './fhir-audit-sink.js';

const logger = createLogger({ service: 'fhir-audit-test', level: 'silent' });
let sandbox: Awaited<ReturnType<typeof startSandboxEhr>>;
let ehr: FhirClient;
let kafka: Kafka;
let producer: TypedProducer;
const sinks: RunningConsumer[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  sandbox = await startSandboxEhr(SEED_PATIENTS.map((patient) => patient.bundle));
  ehr = createFhirClient({ baseUrl: sandbox.fhirBase });
  kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'fhir-audit-test' }, logger);
  producer = createTypedProducer(kafka);
  await producer.connect();
});
afterAll(async () => {
  await Promise.all(sinks.map((sink) => sink.stop()));
  await producer.disconnect();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await sandbox.close();
});

async function freshAuditTopic() {
  const topic = defineTopic(
    uniqueName(`test.${Topics.audit.name}`),
    Topics.audit.schema,
    Topics.audit.schemaVersion,
  );
  await ensureTopics(kafka, [topic], { numPartitions: 1 });
  return topic;
}
type AuditTopic = Awaited<ReturnType<typeof freshAuditTopic>>;

const produce = (topic: AuditTopic, events: AuditEvent[]) =>
  producer.send(
    topic,
    events.map((event) => ({ key: event.patientPseudonym ?? 'none', value: event })),
  );

/** The adapter's audit sink as main.ts runs it, on a registry of its own. */
async function startSink(
  topic: AuditTopic,
  client: FhirClient,
  retry = { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200 },
) {
  const registry = new Registry();
  const sink = await runFhirAuditSink({
    kafka,
    contract: topic,
    groupId: uniqueName('fhir-audit'),
    producer,
    client: async () => client,
    registry,
    batch: { maxEvents: 5, lingerMs: 200, minBytes: 1 },
    retry,
    logger,
    now: () => new Date(),
  });
  sinks.push(sink);
  await sink.joined;
  /** A series' value (summed over the labels not given), histogram parts by their own names (`_sum`…). */
  const metric = async (name: string, labels: Record<string, string> = {}) =>
    (await registry.getMetricsAsJSON())
      .flatMap((family) =>
        family.values.map((value) => ({
          ...value,
          name: (value as { metricName?: string }).metricName ?? family.name,
        })),
      )
      .filter(
        (value) =>
          value.name === name &&
          Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted),
      )
      .reduce((sum, value) => sum + value.value, 0);
  return { sink, metric };
}

async function auditEventsTagged(eventId: string): Promise<FhirAuditEvent[]> {
  const bundle = (await ehr.search({
    resourceType: 'AuditEvent',
    searchParams: { _tag: `${AUDIT_EVENT_TAG_SYSTEM}|${eventId}` },
  })) as unknown as Bundle<FhirAuditEvent>;
  return (bundle.entry ?? []).map((entry) => entry.resource!);
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

/**
 * A CDS Hooks patient-view answered by the adapter as main.ts starts it (createService, its own sink
 * off): the call and its chart read, on its audit topic, which is returned for the sink under test.
 */
async function cdsHookCall(): Promise<{ topic: AuditTopic; call: AuditEvent; read: AuditEvent }> {
  const prefix = `${uniqueName('fhir-audit-test')}.`;
  const adapter = await createService(
    loadConfig(FhirAdapterConfig, {
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      FHIR_ADAPTER_GROUP_ID: uniqueName('fhir-adapter'),
      FHIR_ADAPTER_HTTP_PORT: '0',
      FHIR_ADAPTER_METRICS_PORT: '0',
      FHIR_ADAPTER_FHIR_BASE_URL: sandbox.fhirBase,
      FHIR_ADAPTER_CDS_ALLOW_UNAUTHENTICATED: 'true',
      FHIR_ADAPTER_AUDIT_FHIR_ENABLED: 'false',
    }),
    { logger },
  );
  const topic = topicsWithPrefix(prefix).audit;
  let produced: AuditEvent[];
  try {
    await adapter.ready;
    const hookInstance = randomUUID();
    await request(`http://127.0.0.1:${adapter.httpPort}`)
      .post('/cds-services/aloe-patient-view')
      .send({
        hookInstance,
        hook: 'patient-view',
        fhirServer: sandbox.fhirBase,
        context: { userId: 'Practitioner/aloe-dr-lee', patientId: 'aloe-poly' },
      })
      .expect(200);
    // The events are produced off the request: read before the adapter closes.
    produced = (await readAll(topic.name, 2)).map(
      (message) => JSON.parse(message.value!.toString()) as AuditEvent,
    );
  } finally {
    await adapter.close();
  }
  expect(produced).toHaveLength(2);
  return {
    topic,
    call: produced.find((event) => event.action === 'cds-hook-call')!,
    read: produced.find((event) => event.action === 'fhir-read')!,
  };
}

describe('FHIR AuditEvents in the EHR', () => {
  it('every kind of event becomes one AuditEvent in the EHR, in batches; delivered again, none is created twice; poison goes to the DLQ', async () => {
    const { topic, call, read } = await cdsHookCall();
    const fixtures = auditEventsOfEachKind(sandbox.fhirBase);
    const events: Partial<Record<AuditKind, AuditEvent>> = {
      ...fixtures,
      'cds-hook-call': call,
      'fhir-read': read,
    };
    const others = Object.entries(fixtures)
      .filter(([kind]) => kind !== 'cds-hook-call' && kind !== 'fhir-read')
      .map(([, event]) => event);
    await produce(topic, others);
    // Valid JSON, not an audit event: it can never be written.
    await producer.sendRaw(topic.name, [
      { key: 'poison', value: JSON.stringify({ ...read, action: 'fhir-delete' }) },
    ]);
    const all = Object.values(events) as AuditEvent[];

    // Everything is on the topic before the sink starts: it takes them in transactions of at most 5.
    const first = await startSink(topic, ehr);
    await waitFor(
      async () => (await first.metric('aloe_fhir_audit_events_total', { outcome: 'created' })) === all.length,
      {
        what: `${all.length} AuditEvents created`,
        timeoutMs: 30_000,
      },
    );
    for (const [kind, event] of Object.entries(events) as Array<[AuditKind, AuditEvent]>) {
      const stored = await auditEventsTagged(event.eventId);
      expect([kind, stored.length]).toEqual([kind, 1]);
      const [resource] = stored;
      expect(resource!.recorded).toBe(event.recordedAt);
      expect(resource!.source.observer.identifier?.value).toBe(event.source);
      const patient = resource!.entity?.find((entity) => entity.role?.code === '1')?.what;
      expect(patient).toEqual(
        event.patientRef
          ? { reference: event.patientRef }
          : { identifier: { system: 'urn:aloe:patient-pseudonym', value: event.patientPseudonym } },
      );
    }
    const typeOf = async (kind: AuditKind) => (await auditEventsTagged(events[kind]!.eventId))[0]!.type.code;
    expect(await typeOf('fhir-read')).toBe('rest');
    expect(await typeOf('fhir-write')).toBe('rest');
    expect(await typeOf('cds-hook-call')).toBe('110112');
    expect(await typeOf('ai-decision')).toBe('originate');
    expect(await typeOf('feedback-received')).toBe('verify');
    // The chart read of the real call: the clinician, and every resource read, by reference.
    const [stored] = await auditEventsTagged(read.eventId);
    expect(stored!.agent.find((agent) => agent.requestor)?.who?.reference).toBe('Practitioner/aloe-dr-lee');
    expect(stored!.entity?.map((entity) => entity.what?.reference)).toEqual(
      expect.arrayContaining(['Patient/aloe-poly', 'MedicationRequest/aloe-poly-warfarin']),
    );
    // Batched: 8 events in fewer transactions, none over 5.
    const transactions = await first.metric('aloe_fhir_audit_batches_total', { outcome: 'sent' });
    expect(await first.metric('aloe_fhir_audit_batch_size_sum')).toBe(all.length);
    expect(transactions).toBeLessThan(all.length);
    expect(await first.metric('aloe_fhir_audit_batch_size_bucket', { le: '5' })).toBe(transactions);
    // The poison message: dead-lettered with the reason, counted.
    const [letter] = await readAll(topic.deadLetter, 1);
    expect(decodeHeaders(letter!.headers)[Header.DeadLetterReason]).toBe('SCHEMA_INVALID');
    expect(await first.metric('aloe_fhir_audit_events_total', { outcome: 'dead-lettered' })).toBe(1);
    await first.sink.stop();
    sinks.splice(sinks.indexOf(first.sink), 1);

    // Delivered again: a new consumer group reads the whole topic, and two events are produced twice more.
    await produce(topic, [events['ai-decision']!, events['fhir-write']!]);
    const second = await startSink(topic, ehr);
    const existing = () => second.metric('aloe_fhir_audit_events_total', { outcome: 'existing' });
    await waitFor(async () => (await existing()) >= all.length + 2, {
      what: 'every event found already written',
      timeoutMs: 30_000,
    });
    expect(await existing()).toBe(all.length + 2);
    expect(await second.metric('aloe_fhir_audit_events_total', { outcome: 'created' })).toBe(0);
    for (const event of all) expect(await auditEventsTagged(event.eventId)).toHaveLength(1);
    const everything = (await ehr.search({
      resourceType: 'AuditEvent',
      searchParams: { _count: '1000' },
    })) as unknown as Bundle;
    expect(everything.entry).toHaveLength(all.length);
  }, 60_000);

  it('while the EHR is down the batch is retried with backoff, and written once it answers; nothing is dropped', async () => {
    // A port nothing listens on yet: the EHR will start there later.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const topic = await freshAuditTopic();
    const events = Object.values(auditEventsOfEachKind(`http://127.0.0.1:${port}${FHIR_BASE_PATH}`)).slice(
      0,
      3,
    );
    await produce(topic, events);
    const down = createFhirClient({ baseUrl: `http://127.0.0.1:${port}${FHIR_BASE_PATH}` });
    const { metric } = await startSink(topic, down, { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 100 });
    await waitFor(async () => (await metric('aloe_fhir_audit_batches_total', { outcome: 'retried' })) >= 2, {
      what: 'two failed attempts',
      timeoutMs: 20_000,
    });
    expect(await metric('aloe_fhir_audit_events_total', { outcome: 'created' })).toBe(0);

    const late = createSandboxEhr();
    servers.push(
      await new Promise<Server>((resolve) => {
        const server = late.app.listen(port, '127.0.0.1', () => resolve(server));
      }),
    );
    await waitFor(async () => (await metric('aloe_fhir_audit_events_total', { outcome: 'created' })) === 3, {
      what: 'the three AuditEvents written once the EHR answers',
      timeoutMs: 30_000,
    });
    const lateClient = createFhirClient({ baseUrl: `http://127.0.0.1:${port}${FHIR_BASE_PATH}` });
    for (const event of events) {
      const bundle = (await lateClient.search({
        resourceType: 'AuditEvent',
        searchParams: { _tag: `${AUDIT_EVENT_TAG_SYSTEM}|${event.eventId}` },
      })) as unknown as Bundle;
      expect(bundle.entry).toHaveLength(1);
    }
    expect(await metric('aloe_fhir_audit_events_total', { outcome: 'dead-lettered' })).toBe(0);
    expect(await metric('aloe_fhir_audit_lag_seconds_count')).toBe(3);
  }, 60_000);
});
